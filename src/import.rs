//! Import files: a CSV (UTF-8, with or without a byte-order mark) or XLSX file (its first sheet)
//! read into a table of text cells for `service::import`, and the validation report written back
//! as a spreadsheet: the rows as sent with an `errors` column, for a clerk to fix and send again.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{Format as CellFormat, Workbook};

use crate::{
    error::{Error, Result},
    service::import::{Report, Table, rows_with_problems},
};

/// The largest file an import takes (its own limit, above GraphQL's request limit).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// Reads a file's table, telling CSV from XLSX by its first bytes (XLSX is a zip archive).
pub fn read_table(bytes: &[u8]) -> Result<Table> {
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)
    } else {
        read_csv(bytes)
    }
}

fn read_csv(bytes: &[u8]) -> Result<Table> {
    let bytes = bytes.strip_prefix(crate::export::BOM).unwrap_or(bytes);
    if std::str::from_utf8(bytes).is_err() {
        return Err(Error::bad_input(
            "the CSV file is not UTF-8: in Excel save it as \"CSV UTF-8\" (or send the XLSX file)",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.records();
    let headers = match records.next() {
        Some(record) => record
            .map_err(|e| Error::bad_input(format!("the CSV file cannot be read: {e}")))?
            .iter()
            .map(str::to_owned)
            .collect(),
        None => return Err(Error::bad_input("the file is empty")),
    };
    let mut rows = Vec::new();
    for record in records {
        let record =
            record.map_err(|e| Error::bad_input(format!("the CSV file cannot be read: {e}")))?;
        rows.push(record.iter().map(str::to_owned).collect());
    }
    Ok(Table { headers, rows })
}

fn read_xlsx(bytes: &[u8]) -> Result<Table> {
    let unreadable =
        |e: calamine::XlsxError| Error::bad_input(format!("the XLSX file cannot be read: {e}"));
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let sheet = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| Error::bad_input("the XLSX file has no sheet"))?
        .map_err(unreadable)?;
    let mut lines = sheet
        .rows()
        .map(|row| row.iter().map(cell_text).collect::<Vec<_>>());
    let headers = lines
        .next()
        .ok_or_else(|| Error::bad_input("the file is empty"))?;
    Ok(Table {
        headers,
        rows: lines.collect(),
    })
}

/// A spreadsheet cell as the text a CSV file would hold: whole numbers without a decimal
/// point, dates as `YYYY-MM-DD`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        // Excel counts days from 1899-12-30.
        Data::DateTime(d) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|epoch| epoch.checked_add_days(chrono::Days::new(d.as_f64() as u64)))
            .map(|date| date.to_string())
            .unwrap_or_default(),
        Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The report as a spreadsheet: the rows as sent, and each row's problems in an `errors` column
/// (the header row's own problems in the first line's cell).
pub fn report_xlsx(table: &Table, report: &Report) -> Result<Vec<u8>> {
    let xlsx = |e: rust_xlsxwriter::XlsxError| Error::internal(format!("xlsx: {e}"));
    let (headers, rows) = rows_with_problems(table, report);
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(report.dataset).map_err(xlsx)?;
    let bold = CellFormat::new().set_bold();
    let flagged = CellFormat::new().set_font_color(rust_xlsxwriter::Color::Red);
    let last = (headers.len() - 1) as u16;
    for (c, header) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, header, &bold)
            .map_err(xlsx)?;
    }
    let header_problems = report.problems_of(1);
    if !header_problems.is_empty() {
        sheet
            .write_string_with_format(0, last, format!("errors: {header_problems}"), &flagged)
            .map_err(xlsx)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            if c as u16 == last {
                sheet
                    .write_string_with_format(r, c as u16, cell, &flagged)
                    .map_err(xlsx)?;
            } else {
                sheet.write_string(r, c as u16, cell).map_err(xlsx)?;
            }
        }
    }
    sheet.set_column_width(last, 60).map_err(xlsx)?;
    sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
    workbook.save_to_buffer().map_err(xlsx)
}
