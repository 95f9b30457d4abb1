//! Export formats over `service::export`: CSV (UTF-8 with a byte-order mark, so that Excel reads
//! the Chinese text right), XLSX (one sheet, the header row frozen, rows kept in a temporary file
//! rather than in memory) and NDJSON (one JSON object per line, English keys). The command line
//! writes a file; `GET /export/{dataset}` streams the same bytes batch by batch.

use std::io::Write;

use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};

use crate::{
    error::{Error, Result},
    service::export::{Cell, Column, Dataset, Export, Row},
};

/// The byte-order mark that tells Excel a CSV file is UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The most rows one XLSX sheet holds (Excel's limit, less the header).
const XLSX_MAX_ROWS: u32 = 1_048_575;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Ndjson,
}

impl Format {
    pub fn parse(name: &str) -> Result<Self> {
        match name.to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            "ndjson" | "jsonl" => Ok(Self::Ndjson),
            _ => Err(Error::bad_input(format!(
                "unknown format `{name}`: use csv, xlsx or ndjson"
            ))),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
            Self::Ndjson => "ndjson",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Ndjson => "application/x-ndjson",
        }
    }
}

/// The header row's language: the English keys (the default, for systems) or Chinese (for a
/// clerk's spreadsheet). Imports read either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Headers {
    #[default]
    English,
    Chinese,
}

impl Headers {
    pub fn parse(name: &str) -> Result<Self> {
        match name.to_ascii_lowercase().as_str() {
            "en" => Ok(Self::English),
            "zh" => Ok(Self::Chinese),
            _ => Err(Error::bad_input(format!(
                "unknown header language `{name}`: use en or zh"
            ))),
        }
    }

    fn of(self, column: &Column) -> &'static str {
        match self {
            Self::English => column.key,
            Self::Chinese => column.zh,
        }
    }
}

/// Turns batches of rows into the bytes of one format. CSV and NDJSON answer each batch's bytes
/// at once; XLSX gathers the sheet (on disk) and writes the whole file in [`Encoder::finish`].
pub struct Encoder {
    format: Format,
    columns: &'static [Column],
    headers: Headers,
    sheet: Option<Sheet>,
}

/// An XLSX workbook under way.
struct Sheet {
    workbook: Workbook,
    next_row: u32,
    date: CellFormat,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

fn xlsx(err: XlsxError) -> Error {
    Error::internal(format!("xlsx: {err}"))
}

impl Encoder {
    pub fn new(format: Format, headers: Headers, dataset: Dataset) -> Result<Self> {
        let columns = dataset.columns();
        let sheet = match format {
            Format::Xlsx => {
                let mut workbook = Workbook::new();
                let bold = CellFormat::new().set_bold();
                let sheet = workbook
                    .add_worksheet_with_constant_memory()
                    .map_err(xlsx)?;
                sheet.set_name(dataset.name()).map_err(xlsx)?;
                for (c, column) in columns.iter().enumerate() {
                    let c = c as u16;
                    sheet
                        .write_string_with_format(0, c, headers.of(column), &bold)
                        .map_err(xlsx)?;
                    sheet.set_column_width(c, 16).map_err(xlsx)?;
                }
                sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
                Some(Sheet {
                    workbook,
                    next_row: 1,
                    date: CellFormat::new().set_num_format("yyyy-mm-dd"),
                })
            }
            Format::Csv | Format::Ndjson => None,
        };
        Ok(Self {
            format,
            columns,
            headers,
            sheet,
        })
    }

    /// The bytes that open the file (CSV: the byte-order mark and the header row).
    pub fn start(&mut self) -> Result<Vec<u8>> {
        match self.format {
            Format::Csv => {
                let mut out = BOM.to_vec();
                let mut writer = csv::Writer::from_writer(&mut out);
                writer
                    .write_record(self.columns.iter().map(|c| self.headers.of(c)))
                    .map_err(|e| Error::internal(format!("csv: {e}")))?;
                writer
                    .flush()
                    .map_err(|e| Error::internal(format!("csv: {e}")))?;
                drop(writer);
                Ok(out)
            }
            Format::Xlsx | Format::Ndjson => Ok(Vec::new()),
        }
    }

    /// The bytes of a batch (XLSX: none yet; the rows go to the sheet).
    pub fn rows(&mut self, rows: &[Row]) -> Result<Vec<u8>> {
        match self.format {
            Format::Csv => {
                let mut out = Vec::new();
                let mut writer = csv::Writer::from_writer(&mut out);
                for row in rows {
                    writer
                        .write_record(row.iter().map(csv_text))
                        .map_err(|e| Error::internal(format!("csv: {e}")))?;
                }
                writer
                    .flush()
                    .map_err(|e| Error::internal(format!("csv: {e}")))?;
                drop(writer);
                Ok(out)
            }
            Format::Ndjson => {
                let mut out = Vec::new();
                for row in rows {
                    let object: serde_json::Map<String, serde_json::Value> = self
                        .columns
                        .iter()
                        .zip(row)
                        .map(|(column, cell)| (column.key.to_owned(), json_value(cell)))
                        .collect();
                    serde_json::to_writer(&mut out, &object)
                        .map_err(|e| Error::internal(format!("ndjson: {e}")))?;
                    out.push(b'\n');
                }
                Ok(out)
            }
            Format::Xlsx => {
                let Some(sheet) = self.sheet.as_mut() else {
                    return Err(Error::internal("xlsx: no sheet"));
                };
                sheet.write(rows)?;
                Ok(Vec::new())
            }
        }
    }

    /// Ends the file: XLSX writes the whole workbook to `out`; the others have nothing left.
    pub fn finish(self, out: impl Write + Send) -> Result<()> {
        if let Some(mut sheet) = self.sheet {
            sheet.workbook.save_to_writer(out).map_err(xlsx)?;
        }
        Ok(())
    }
}

impl Sheet {
    fn write(&mut self, rows: &[Row]) -> Result<()> {
        let sheet = self.workbook.worksheet_from_index(0).map_err(xlsx)?;
        for row in rows {
            if self.next_row > XLSX_MAX_ROWS {
                return Err(Error::bad_input(
                    "more rows than one XLSX sheet holds: export as CSV or NDJSON",
                ));
            }
            let r = self.next_row;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Empty => continue,
                    Cell::Text(text) => sheet.write_string(r, c, text),
                    Cell::Integer(n) => sheet.write_number(r, c, *n as f64),
                    Cell::Bool(b) => sheet.write_boolean(r, c, *b),
                    Cell::Date(d) => sheet.write_date_with_format(r, c, d, &self.date),
                }
                .map_err(xlsx)?;
            }
            self.next_row += 1;
        }
        Ok(())
    }
}

/// A cell as CSV text: dates as `YYYY-MM-DD`, booleans as `true`/`false`, empty as nothing.
fn csv_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(text) => text.clone(),
        Cell::Integer(n) => n.to_string(),
        Cell::Bool(b) => b.to_string(),
        Cell::Date(d) => d.to_string(),
    }
}

fn json_value(cell: &Cell) -> serde_json::Value {
    match cell {
        Cell::Empty => serde_json::Value::Null,
        Cell::Text(text) => text.clone().into(),
        Cell::Integer(n) => (*n).into(),
        Cell::Bool(b) => (*b).into(),
        Cell::Date(d) => d.to_string().into(),
    }
}

/// A whole export into `out` (the command line's path); answers the number of rows.
pub async fn write_all(
    mut export: Export,
    format: Format,
    headers: Headers,
    out: &mut (impl Write + Send),
) -> Result<u64> {
    let mut encoder = Encoder::new(format, headers, export.dataset())?;
    let io = |e: std::io::Error| Error::internal(format!("cannot write the export: {e}"));
    out.write_all(&encoder.start()?).map_err(io)?;
    let mut rows = 0;
    while let Some(batch) = export.next_batch().await? {
        rows += batch.len() as u64;
        out.write_all(&encoder.rows(&batch)?).map_err(io)?;
    }
    encoder.finish(&mut *out)?;
    out.flush().map_err(io)?;
    Ok(rows)
}
