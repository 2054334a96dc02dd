//! Parquet copies of a sweep's CSV tables (`runs.parquet`, `points.parquet`), for analysis in
//! pandas, polars, R or DuckDB without parsing text. Built with the `parquet` cargo feature.
//!
//! The CSV files stay the source of truth (they are what resume and merge read); the Parquet
//! files are written from them at the end, with `point` and `replicate` as integers, the swept
//! parameters as text (they may be choices such as `random`), and every other column as a
//! nullable float (an empty cell is a null).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, StringBuilder, UInt64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;

use crate::atomic::AtomicFile;
use crate::error::Error;

/// Rows per record batch.
const BATCH: usize = 65_536;

/// Writes `csv` as `parquet`: columns named in `integer` are unsigned integers, those in `text`
/// are strings, the rest nullable floats.
pub fn csv_to_parquet(
    csv: &Path,
    parquet: &Path,
    integer: &[&str],
    text: &[&str],
) -> Result<(), Error> {
    let file = File::open(csv).map_err(|e| Error::io(csv, e))?;
    let mut lines = BufReader::new(file).lines();
    let header = match lines.next() {
        Some(h) => h.map_err(|e| Error::io(csv, e))?,
        None => return Ok(()),
    };
    let names: Vec<String> = header.split(',').map(str::to_string).collect();
    let kind = |n: &str| {
        if integer.contains(&n) {
            DataType::UInt64
        } else if text.contains(&n) {
            DataType::Utf8
        } else {
            DataType::Float64
        }
    };
    let schema = Arc::new(Schema::new(
        names
            .iter()
            .map(|n| Field::new(n, kind(n), kind(n) != DataType::UInt64))
            .collect::<Vec<_>>(),
    ));
    let mut out = AtomicFile::create(parquet)?;
    let to_err = |e: parquet::errors::ParquetError| Error::io(parquet, std::io::Error::other(e));
    let mut writer = ArrowWriter::try_new(out.writer(), schema.clone(), None).map_err(to_err)?;
    let mut rows: Vec<String> = Vec::with_capacity(BATCH);
    let flush = |rows: &mut Vec<String>, writer: &mut ArrowWriter<_>| -> Result<(), Error> {
        if rows.is_empty() {
            return Ok(());
        }
        let cells: Vec<Vec<&str>> = rows.iter().map(|r| r.split(',').collect()).collect();
        let columns: Vec<ArrayRef> = names
            .iter()
            .enumerate()
            .map(|(c, n)| -> ArrayRef {
                fn cell<'a>(r: &[&'a str], c: usize) -> &'a str {
                    r.get(c).copied().unwrap_or("")
                }
                match kind(n) {
                    DataType::UInt64 => {
                        let mut b = UInt64Builder::with_capacity(cells.len());
                        cells
                            .iter()
                            .for_each(|r| b.append_option(cell(r, c).parse().ok()));
                        Arc::new(b.finish())
                    }
                    DataType::Utf8 => {
                        let mut b = StringBuilder::new();
                        cells.iter().for_each(|r| b.append_value(cell(r, c)));
                        Arc::new(b.finish())
                    }
                    _ => {
                        let mut b = Float64Builder::with_capacity(cells.len());
                        cells
                            .iter()
                            .for_each(|r| b.append_option(cell(r, c).parse().ok()));
                        Arc::new(b.finish())
                    }
                }
            })
            .collect();
        let batch = RecordBatch::try_new(schema.clone(), columns)
            .map_err(|e| Error::io(parquet, std::io::Error::other(e)))?;
        writer.write(&batch).map_err(to_err)?;
        rows.clear();
        Ok(())
    };
    for line in lines {
        rows.push(line.map_err(|e| Error::io(csv, e))?);
        if rows.len() == BATCH {
            flush(&mut rows, &mut writer)?;
        }
    }
    flush(&mut rows, &mut writer)?;
    writer.close().map_err(to_err)?;
    out.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    #[test]
    fn a_csv_table_round_trips_with_types_and_nulls() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("runs.csv");
        std::fs::write(&csv, "point,replicate,initial.placement,final_fraction,first_follower_tick\n0,0,random,0.5,3\n0,1,degree,1,\n").unwrap();
        let pq = dir.path().join("runs.parquet");
        csv_to_parquet(&csv, &pq, &["point", "replicate"], &["initial.placement"]).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&pq).unwrap())
            .unwrap()
            .build()
            .unwrap();
        let batch = reader.map(Result::unwrap).next().unwrap();
        assert_eq!(batch.num_rows(), 2);
        let schema = batch.schema();
        assert_eq!(schema.field(0).data_type(), &DataType::UInt64);
        assert_eq!(schema.field(2).data_type(), &DataType::Utf8);
        let ticks = batch
            .column(4)
            .as_any()
            .downcast_ref::<arrow_array::Float64Array>()
            .unwrap();
        assert_eq!(ticks.value(0), 3.0);
        assert!(ticks.is_null(1));
    }
}
