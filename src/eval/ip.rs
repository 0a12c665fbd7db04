//! IP addresses and CIDR ranges as `IpAddress` and `NotIpAddress` take them: parsing,
//! membership, and the private address space.

use std::net::IpAddr;

/// An IP address or CIDR range as `IpAddress` and `NotIpAddress` take it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpRange {
    pub addr: IpAddr,
    pub prefix: u8,
}

/// Why a value is not an IP range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IpRangeError {
    Address,
    Prefix { max: u8 },
}

impl IpRange {
    pub fn parse(text: &str) -> Result<IpRange, IpRangeError> {
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| IpRangeError::Address)?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) => {
                match p.parse::<u8>() {
                    Ok(n) if n <= max => n,
                    _ => return Err(IpRangeError::Prefix { max }),
                }
            }
            Some(_) => return Err(IpRangeError::Prefix { max }),
        };
        Ok(IpRange { addr, prefix })
    }

    fn bits(self) -> (u128, u32) {
        match self.addr {
            IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
            IpAddr::V6(v6) => (u128::from(v6), 128),
        }
    }

    fn mask(self) -> u128 {
        let (_, width) = self.bits();
        let host_bits = width - u32::from(self.prefix);
        let all = if width == 32 {
            u128::from(u32::MAX)
        } else {
            u128::MAX
        };
        if host_bits >= 128 {
            0
        } else {
            all & !((1u128 << host_bits) - 1)
        }
    }

    /// The range with its host bits cleared (`10.0.0.5/8` -> `10.0.0.0/8`).
    pub fn network(self) -> IpRange {
        let (bits, _) = self.bits();
        let masked = bits & self.mask();
        let addr = match self.addr {
            IpAddr::V4(_) => IpAddr::V4((u32::try_from(masked).unwrap_or(0)).into()),
            IpAddr::V6(_) => IpAddr::V6(masked.into()),
        };
        IpRange {
            addr,
            prefix: self.prefix,
        }
    }

    pub fn has_host_bits(self) -> bool {
        self.network() != self
    }

    /// Whether every address of `self` lies inside `outer`.
    pub fn within(self, outer: IpRange) -> bool {
        self.addr.is_ipv4() == outer.addr.is_ipv4()
            && self.prefix >= outer.prefix
            && (self.bits().0 & outer.mask()) == (outer.bits().0 & outer.mask())
    }

    /// Whether the whole range is private address space that never reaches AWS from the
    /// internet: RFC 1918, loopback, link-local, shared (CGNAT) space, IPv6 unique local
    /// and link-local.
    pub fn is_private(self) -> bool {
        PRIVATE_RANGES
            .iter()
            .filter_map(|r| IpRange::parse(r).ok())
            .any(|outer| self.within(outer))
    }
}

const PRIVATE_RANGES: [&str; 8] = [
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "100.64.0.0/10",
    "fc00::/7",
    "fe80::/10",
];

impl std::fmt::Display for IpRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}
