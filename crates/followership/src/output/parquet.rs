//! Parquet copies of a sweep's tables (`runs.parquet`, `points.parquet`), for analysis in
//! pandas, polars, R or DuckDB without parsing text. Built with the `parquet` cargo feature.
//!
//! Two sinks of a whole sweep's rows: [`RunsParquet`] and [`PointsParquet`], each with the
//! columns of its CSV twin: `point`, `replicate` and `runs` as unsigned integers, the swept
//! parameters as text (they may be choices such as `random`), and every other column as a
//! nullable float (a moment that never came is a null). Rows are gathered into batches of a fixed
//! size whatever the blocks they arrive in, so a resumed or merged sweep writes the same file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, StringBuilder, UInt64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;

use crate::analysis::points::{PointAggregator, PointSummary};
use crate::atomic::AtomicFile;
use crate::error::Error;
use crate::experiment::sweep::{OutcomeSink, Row};
use crate::simulation::RunOutcome;

/// File name of the runs as Parquet.
pub const RUNS_PARQUET: &str = "runs.parquet";
/// File name of the point aggregates as Parquet.
pub const POINTS_PARQUET: &str = "points.parquet";

/// Rows per record batch.
const BATCH: usize = 65_536;

/// A column being filled.
enum Column {
    Integer(UInt64Builder),
    Text(StringBuilder),
    Float(Float64Builder),
}

/// One cell of a row.
enum Cell<'a> {
    Integer(u64),
    Text(&'a str),
    Float(Option<f64>),
}

/// A Parquet file written a batch at a time.
struct Table {
    path: PathBuf,
    schema: Arc<Schema>,
    columns: Vec<Column>,
    rows: usize,
    writer: Option<ArrowWriter<AtomicFile>>,
}

impl Table {
    fn create(path: &Path, fields: Vec<(String, DataType)>) -> Result<Table, Error> {
        let schema = Arc::new(Schema::new(
            fields
                .iter()
                .map(|(n, k)| Field::new(n, k.clone(), *k != DataType::UInt64))
                .collect::<Vec<_>>(),
        ));
        let file = AtomicFile::create(path)?;
        let writer =
            ArrowWriter::try_new(file, schema.clone(), None).map_err(|e| to_err(path, e))?;
        let mut table = Table {
            path: path.to_path_buf(),
            schema,
            columns: Vec::new(),
            rows: 0,
            writer: Some(writer),
        };
        table.columns = table.empty_columns();
        Ok(table)
    }

    fn empty_columns(&self) -> Vec<Column> {
        self.schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::UInt64 => Column::Integer(UInt64Builder::with_capacity(BATCH)),
                DataType::Utf8 => Column::Text(StringBuilder::new()),
                _ => Column::Float(Float64Builder::with_capacity(BATCH)),
            })
            .collect()
    }

    fn push(&mut self, cells: &[Cell<'_>]) -> Result<(), Error> {
        for (column, cell) in self.columns.iter_mut().zip(cells) {
            match (column, cell) {
                (Column::Integer(b), Cell::Integer(v)) => b.append_value(*v),
                (Column::Text(b), Cell::Text(v)) => b.append_value(v),
                (Column::Float(b), Cell::Float(v)) => b.append_option(*v),
                _ => unreachable!("cells are built in the order of the schema"),
            }
        }
        self.rows += 1;
        if self.rows == BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Error> {
        if self.rows == 0 {
            return Ok(());
        }
        let fresh = self.empty_columns();
        let arrays: Vec<ArrayRef> = std::mem::replace(&mut self.columns, fresh)
            .into_iter()
            .map(|c| -> ArrayRef {
                match c {
                    Column::Integer(mut b) => Arc::new(b.finish()),
                    Column::Text(mut b) => Arc::new(b.finish()),
                    Column::Float(mut b) => Arc::new(b.finish()),
                }
            })
            .collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays)
            .map_err(|e| Error::io(&self.path, std::io::Error::other(e)))?;
        self.rows = 0;
        self.writer
            .as_mut()
            .expect("written until finished")
            .write(&batch)
            .map_err(|e| to_err(&self.path, e))
    }

    fn finish(&mut self) -> Result<(), Error> {
        self.flush()?;
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        let file = writer.into_inner().map_err(|e| to_err(&self.path, e))?;
        file.commit()
    }
}

fn to_err(path: &Path, e: parquet::errors::ParquetError) -> Error {
    Error::io(path, std::io::Error::other(e))
}

fn floats<'a>(values: impl IntoIterator<Item = Option<f64>>) -> impl Iterator<Item = Cell<'a>> {
    values.into_iter().map(Cell::Float)
}

/// `runs.parquet`: the rows of `runs.csv`.
pub struct RunsParquet(Table);

impl RunsParquet {
    /// Starts `path` for a sweep of the parameters `keys`; it appears when the sink finishes.
    pub fn create(path: &Path, keys: &[String]) -> Result<RunsParquet, Error> {
        let mut fields = vec![
            ("point".to_string(), DataType::UInt64),
            ("replicate".to_string(), DataType::UInt64),
        ];
        fields.extend(keys.iter().map(|k| (k.clone(), DataType::Utf8)));
        fields.extend(
            RunOutcome::COLUMNS
                .iter()
                .map(|c| (c.to_string(), DataType::Float64)),
        );
        Ok(RunsParquet(Table::create(path, fields)?))
    }
}

impl OutcomeSink for RunsParquet {
    fn accept(&mut self, rows: &[Row]) -> Result<(), Error> {
        for row in rows {
            let mut cells = vec![Cell::Integer(row.point), Cell::Integer(row.replicate)];
            cells.extend(row.values.labels.iter().map(|l| Cell::Text(l)));
            cells.extend(floats(row.outcome.values()));
            self.0.push(&cells)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), Error> {
        self.0.finish()
    }
}

/// `points.parquet`: the point aggregates of `points.csv`.
pub struct PointsParquet {
    table: Table,
    aggregator: PointAggregator,
}

impl PointsParquet {
    /// Starts `path` for a sweep of the parameters `keys`; it appears when the sink finishes.
    pub fn create(path: &Path, keys: &[String]) -> Result<PointsParquet, Error> {
        let mut fields = vec![("point".to_string(), DataType::UInt64)];
        fields.extend(keys.iter().map(|k| (k.clone(), DataType::Utf8)));
        fields.push(("runs".to_string(), DataType::UInt64));
        for o in RunOutcome::COLUMNS {
            for stat in ["mean", "sd", "low", "high"] {
                fields.push((format!("{o}_{stat}"), DataType::Float64));
            }
        }
        for c in ["cascade_probability", "cascade_low", "cascade_high"] {
            fields.push((c.to_string(), DataType::Float64));
        }
        Ok(PointsParquet {
            table: Table::create(path, fields)?,
            aggregator: PointAggregator::default(),
        })
    }

    fn write(&mut self, s: &PointSummary) -> Result<(), Error> {
        let mut cells = vec![Cell::Integer(s.point)];
        cells.extend(s.values.labels.iter().map(|l| Cell::Text(l)));
        cells.push(Cell::Integer(s.runs));
        let finite = |x: f64| x.is_finite().then_some(x);
        for m in &s.outcomes {
            cells.extend(floats([m.mean, m.sd, m.low, m.high].map(finite)));
        }
        let p = s.cascade;
        cells.extend(floats([p.estimate, p.low, p.high].map(finite)));
        self.table.push(&cells)
    }
}

impl OutcomeSink for PointsParquet {
    fn accept(&mut self, rows: &[Row]) -> Result<(), Error> {
        for row in rows {
            if let Some(done) = self.aggregator.push(row)? {
                self.write(&done)?;
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), Error> {
        if let Some(last) = self.aggregator.finish()? {
            self.write(&last)?;
        }
        self.table.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::sweep::PointValues;
    use arrow_array::Array;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    #[test]
    fn rows_are_written_with_types_and_nulls() {
        let dir = tempfile::tempdir().unwrap();
        let pq = dir.path().join("runs.parquet");
        let keys = vec!["initial.placement".to_string()];
        let mut sink = RunsParquet::create(&pq, &keys).unwrap();
        let values = Arc::new(PointValues {
            values: vec!["random".into()],
            labels: vec!["random".into()],
        });
        let row = |replicate, first| Row {
            point: 0,
            replicate,
            values: Arc::clone(&values),
            outcome: RunOutcome {
                final_fraction: 0.5,
                first_follower_tick: first,
                ..Default::default()
            },
        };
        sink.accept(&[row(0, Some(3)), row(1, None)]).unwrap();
        sink.finish().unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&pq).unwrap())
            .unwrap()
            .build()
            .unwrap();
        let batch = reader.map(Result::unwrap).next().unwrap();
        assert_eq!(batch.num_rows(), 2);
        let schema = batch.schema();
        assert_eq!(schema.field(0).data_type(), &DataType::UInt64);
        assert_eq!(schema.field(2).data_type(), &DataType::Utf8);
        let first = schema.index_of("first_follower_tick").unwrap();
        let ticks = batch
            .column(first)
            .as_any()
            .downcast_ref::<arrow_array::Float64Array>()
            .unwrap();
        assert_eq!(ticks.value(0), 3.0);
        assert!(ticks.is_null(1));
    }
}
