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
        let (addr, prefix) = match text.bytes().position(|b| b == b'/') {
            Some(slash) => (&text[..slash], Some(&text[slash + 1..])),
            None => (text, None),
        };
        let addr = match dotted_quad(addr) {
            Some(v4) => IpAddr::V4(v4),
            None => addr.parse().map_err(|_| IpRangeError::Address)?,
        };
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

/// A plain IPv4 address (`203.0.113.7`) without the standard parser's generic machinery,
/// which dominates the cost of an `IpAddress` condition. It accepts a subset of what
/// [`std::net::Ipv4Addr`] parses, with the same value (four decimal octets up to 255, no
/// leading zeros); anything else is left to the standard parser.
fn dotted_quad(text: &str) -> Option<std::net::Ipv4Addr> {
    let bytes = text.as_bytes();
    let mut octets = [0u8; 4];
    let mut at = 0;
    for (index, octet) in octets.iter_mut().enumerate() {
        if index > 0 {
            if bytes.get(at) != Some(&b'.') {
                return None;
            }
            at += 1;
        }
        let start = at;
        let mut value: u16 = 0;
        while let Some(digit) = bytes.get(at).filter(|b| b.is_ascii_digit()) {
            value = value * 10 + u16::from(digit - b'0');
            at += 1;
            if at - start > 3 {
                return None;
            }
        }
        let digits = at - start;
        if digits == 0 || (digits > 1 && bytes[start] == b'0') {
            return None;
        }
        *octet = u8::try_from(value).ok()?;
    }
    (at == bytes.len()).then(|| octets.into())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_ipv4_parser_agrees_with_the_standard_one() {
        for text in [
            "203.0.113.7",
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "01.2.3.4",
            "1.2.3",
            "1.2.3.4.5",
            "1..2.3",
            "",
            "a.b.c.d",
            "1.2.3.4 ",
            "+1.2.3.4",
            "1.2.3.0400",
            "10.0.0.1",
        ] {
            let quick = dotted_quad(text);
            if quick.is_some() {
                assert_eq!(quick, text.parse().ok(), "{text}");
            }
            assert_eq!(
                IpRange::parse(text).ok().map(|r| r.addr),
                text.parse().ok(),
                "{text}"
            );
        }
    }
}
