//! Budgets for work that grows faster than the document: comparing every pair of items of
//! a list, expanding patterns against the catalog, suggesting names. Rules do such work
//! through an index where one exists; where the work is inherently larger, it is counted
//! in a [`Budget`], and a rule whose budget is spent stops and says where with
//! [`Diagnostic::analysis_limit`](crate::finding::Diagnostic::analysis_limit). Every
//! budget is documented in `docs/limits.md`.

/// Units of work a rule may still do on one document (or list): comparisons, pattern
/// matches, cells of an edit-distance table.
#[derive(Clone, Debug)]
pub struct Budget {
    limit: usize,
    left: usize,
    spent: bool,
}

impl Budget {
    pub const fn new(limit: usize) -> Budget {
        Budget {
            limit,
            left: limit,
            spent: false,
        }
    }

    /// Takes `units` from the budget: `false` when they are not there, and from then on.
    pub fn spend(&mut self, units: usize) -> bool {
        if self.spent || units > self.left {
            self.spent = true;
            return false;
        }
        self.left -= units;
        true
    }

    /// Whether a `spend` has failed.
    pub fn is_spent(&self) -> bool {
        self.spent
    }

    pub fn limit(&self) -> usize {
        self.limit
    }
}

/// `1234567` as `1,234,567`, for messages about sizes and budgets.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spent_budget_stays_spent() {
        let mut budget = Budget::new(10);
        assert!(budget.spend(6));
        assert!(!budget.spend(5));
        assert!(!budget.spend(1));
        assert!(budget.is_spent());
    }
}
