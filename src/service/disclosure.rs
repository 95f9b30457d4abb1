//! Statistical disclosure control: what a statistic may show of enterprises' confidential
//! figures (revenue, R&D spend, taxes, support amounts) to the roles that see them only as
//! aggregates, i.e. everyone below OFFICE. One place, used by every statistic that adds such
//! figures up. The method and its parameters are explained in `docs/disclosure-control.md`:
//!
//! 1. **Threshold rule**: a cell of fewer than [`Rules::min_units`] contributors is suppressed.
//! 2. **Dominance (p %) rule**: a cell where the second-largest contributor could estimate the
//!    largest one's figure to within [`Rules::p_percent`] is suppressed.
//! 3. **Secondary suppression**: every line of the table (all dimensions fixed but one) holds
//!    no suppressed cell or at least two, so no line total reveals one.
//! 4. **Noise by record key**: every published magnitude is the sum of its contributors'
//!    figures, each multiplied by a permanent factor `1 ± p·e` that the contributor's random
//!    record key picks from the stored perturbation table (`e` between 1 and 1.5). The same cell
//!    always gets the same value, and any two cells differ by their contributors' noisy figures:
//!    subtracting two answers never gives a figure closer than p % to the true one.
//! 5. **Filters** on statistics are limited to classifying fields: identifiers and names do not
//!    narrow a statistic for these roles.

use std::collections::HashMap;

use super::access::Viewer;
use crate::error::{Error, Result};

/// The parameters of the method (`HUB_SDC_MIN_UNITS`, `HUB_SDC_P_PERCENT`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    /// Fewest contributors (enterprises, beneficiaries) a published cell has.
    pub min_units: i64,
    /// p of the p % rule, and the least noise on a contributor's figure, in percent.
    pub p_percent: f64,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            min_units: 3,
            p_percent: 10.0,
        }
    }
}

/// How a cell of a statistic was protected, as the answer reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protection {
    /// Exact figures (OFFICE, or a cell without confidential figures).
    None,
    /// Suppressed: fewer contributors than the threshold.
    SuppressedThreshold,
    /// Suppressed: one contributor dominates a figure (p % rule).
    SuppressedDominance,
    /// Suppressed to protect another suppressed cell of the same line.
    SuppressedSecondary,
    /// Published with noise on its confidential figures.
    Perturbed,
}

impl Protection {
    /// The protection's name in the API (`SUPPRESSED_THRESHOLD`).
    pub fn code(self) -> &'static str {
        match self {
            Self::None => "NONE",
            Self::SuppressedThreshold => "SUPPRESSED_THRESHOLD",
            Self::SuppressedDominance => "SUPPRESSED_DOMINANCE",
            Self::SuppressedSecondary => "SUPPRESSED_SECONDARY",
            Self::Perturbed => "PERTURBED",
        }
    }

    pub fn is_suppressed(self) -> bool {
        matches!(
            self,
            Self::SuppressedThreshold | Self::SuppressedDominance | Self::SuppressedSecondary
        )
    }
}

/// A confidential figure and the column of the perturbation table that holds its noise: each
/// figure of a unit gets its own, independent draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confidential {
    AnnualRevenue,
    RndSpend,
    TaxPaid,
    SupportAmount,
    OutputValue,
}

impl Confidential {
    fn noise_column(self) -> &'static str {
        match self {
            Self::AnnualRevenue => "perturbation.noise_1",
            Self::RndSpend => "perturbation.noise_2",
            Self::TaxPaid => "perturbation.noise_3",
            Self::SupportAmount => "perturbation.noise_4",
            Self::OutputValue => "perturbation.noise_5",
        }
    }
}

/// SQL: the perturbation table's row for a unit's record key (`key`, a column expression), to
/// join on.
pub fn perturbation_row(key: &str) -> String {
    format!("perturbation.position = {key} % 256")
}

/// SQL: a value multiplied by its unit's noise factor for `figure` (the perturbation table
/// joined with [`perturbation_row`]), in whole yuan: sums of these are whole numbers (exact in
/// double precision up to 2^53 yuan), the same in whatever order the database adds them.
pub fn noisy(rules: &Rules, figure: Confidential, value: &str) -> String {
    format!(
        "ROUND({value} * (1 + {} * {}))",
        figure.noise_column(),
        rules.p_percent / 100.0
    )
}

/// What SQL gives of one confidential figure in one cell, over its contributors with a value.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Magnitude {
    pub contributors: i64,
    pub sum: f64,
    /// The largest contributor's figure.
    pub largest: f64,
    /// The sum of the contributors' squared figures (bounds the second largest).
    pub squares: f64,
    /// The sum with every contributor's noise.
    pub noisy: f64,
}

impl Magnitude {
    /// The p % rule: the second-largest contributor, knowing the cell's total and its own
    /// figure, would learn the largest one's figure to within p % when the other contributors
    /// add up to less than p % of it: `total − x1 − x2 < p/100 · x1`. SQL gives `x1` but not
    /// `x2`; the sum of squares bounds it (`x2 ≤ √(Σx² − x1²)`), and the rule is applied with
    /// that bound, so a cell the bound cannot clear is treated as dominated.
    pub fn is_dominated(&self, rules: &Rules) -> bool {
        if self.contributors == 0 || self.largest <= 0.0 {
            return false;
        }
        let others = (self.sum - self.largest).max(0.0);
        let second_at_most = (self.squares - self.largest * self.largest)
            .max(0.0)
            .sqrt()
            .min(others)
            .min(self.largest);
        others - second_at_most < rules.p_percent / 100.0 * self.largest
    }
}

/// One cell as the rules see it.
#[derive(Debug, Clone)]
pub struct Cell<'a> {
    /// One value per dimension (cells of a line share all but one).
    pub key: &'a [Option<String>],
    /// Contributors: enterprises, or beneficiaries of support.
    pub contributors: i64,
    /// The cell's confidential figures.
    pub magnitudes: Vec<Magnitude>,
}

/// How each cell is to be shown to `viewer`, in the cells' order.
pub fn protect(cells: &[Cell<'_>], rules: &Rules, viewer: &Viewer) -> Vec<Protection> {
    if viewer.sees_exact_statistics() {
        return vec![Protection::None; cells.len()];
    }
    let mut protection: Vec<Protection> = cells
        .iter()
        .map(|cell| {
            if cell.contributors > 0 && cell.contributors < rules.min_units {
                Protection::SuppressedThreshold
            } else if cell.magnitudes.iter().any(|m| m.is_dominated(rules)) {
                Protection::SuppressedDominance
            } else if cell.magnitudes.iter().any(|m| m.contributors > 0) {
                Protection::Perturbed
            } else {
                Protection::None
            }
        })
        .collect();
    suppress_secondary(cells, &mut protection);
    protection
}

/// A lone suppressed cell in a line could be recovered from the line's total (which another
/// query can give): suppress the line's smallest other cell with contributors too, until every
/// line holds none or at least two. With one dimension the whole table is the line.
fn suppress_secondary(cells: &[Cell<'_>], protection: &mut [Protection]) {
    let dimensions = cells.first().map_or(0, |c| c.key.len());
    loop {
        let mut changed = false;
        for free in 0..dimensions {
            let mut lines: HashMap<Vec<&Option<String>>, Vec<usize>> = HashMap::new();
            for (i, cell) in cells.iter().enumerate() {
                let line = cell
                    .key
                    .iter()
                    .enumerate()
                    .filter(|(d, _)| *d != free)
                    .map(|(_, v)| v)
                    .collect();
                lines.entry(line).or_default().push(i);
            }
            for members in lines.values() {
                let hidden = members
                    .iter()
                    .filter(|i| protection[**i].is_suppressed())
                    .count();
                if hidden != 1 {
                    continue;
                }
                let partner = members
                    .iter()
                    .filter(|i| !protection[**i].is_suppressed() && cells[**i].contributors > 0)
                    .min_by_key(|i| cells[**i].contributors);
                if let Some(&i) = partner {
                    protection[i] = Protection::SuppressedSecondary;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
}

/// Filter fields that identify units or match their names: a statistic narrowed by them could
/// isolate one unit, so below OFFICE statistics are filtered by classifying fields only (city,
/// park, sector, segment, scale, kind, founding year, designations).
const IDENTIFYING: &[&str] = &["uscc", "nameZh", "nameEn"];

/// FORBIDDEN, naming the field, when a statistic's filter uses a field that identifies units
/// and the viewer may not read unit figures.
pub fn check_filter(viewer: &Viewer, fields: &[&'static str]) -> Result<()> {
    if viewer.sees_exact_statistics() {
        return Ok(());
    }
    match fields.iter().find(|f| IDENTIFYING.contains(f)) {
        Some(field) => Err(Error::forbidden(format!(
            "statistics may be narrowed only by classifying fields (city, park, sector, segment, \
             scale, kind, founding year, designation); `{field}` identifies units"
        ))),
        None => Ok(()),
    }
}

/// Figures a ranking of units may not be ordered by below OFFICE: the order and the values
/// would publish each unit's confidential figure.
const CONFIDENTIAL_FIGURES: &[&str] = &["annualRevenue", "outputValue", "rndSpend", "taxPaid"];

/// FORBIDDEN when `figure` is confidential and the viewer sees figures only as aggregates.
pub fn check_unit_ranking(viewer: &Viewer, figure: &str) -> Result<()> {
    if viewer.sees_exact_statistics() || !CONFIDENTIAL_FIGURES.contains(&figure) {
        return Ok(());
    }
    Err(Error::forbidden(format!(
        "units are ranked by `{figure}` for the office only; rank groups (`groupRanking`) instead"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(sum: f64, largest: f64, squares: f64, contributors: i64) -> Magnitude {
        Magnitude {
            contributors,
            sum,
            largest,
            squares,
            noisy: sum,
        }
    }

    #[test]
    fn one_of_three_holding_95_percent_dominates() {
        let m = cell(100.0, 95.0, 95.0 * 95.0 + 2.0 * 2.5 * 2.5, 3);
        assert!(m.is_dominated(&Rules::default()));
    }

    #[test]
    fn a_largest_unit_with_enough_others_beside_it_does_not_dominate() {
        // 60, then 20 and ten of 2: others beyond the second are 20 ≥ 10 % of 60.
        let squares = 3600.0 + 400.0 + 10.0 * 4.0;
        let m = cell(100.0, 60.0, squares, 12);
        assert!(!m.is_dominated(&Rules::default()));
    }

    #[test]
    fn two_equal_giants_dominate_each_other() {
        let m = cell(100.0, 49.0, 49.0 * 49.0 * 2.0 + 4.0, 3);
        assert!(m.is_dominated(&Rules::default()));
    }

    #[test]
    fn a_single_contributor_always_dominates() {
        assert!(cell(7.0, 7.0, 49.0, 1).is_dominated(&Rules::default()));
        assert!(!cell(0.0, 0.0, 0.0, 0).is_dominated(&Rules::default()));
    }
}
