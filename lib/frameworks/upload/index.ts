/**
 * Custom skill standards: upload (CSV/JSON → validated Framework) and CSV export.
 * Pure; see docs/custom-standards.md for the file formats users write.
 */
export {
  MAX_UPLOAD_BYTES,
  MAX_ROWS,
  MAX_CELL_CHARS,
  MAX_ISSUES,
  COLUMN_ALIASES,
  TYPE_ALIASES,
  parseStandardUpload,
  type UploadIssue,
  type StandardMeta,
  type UploadPreview,
  type ParseResult,
} from './parse'
export { frameworkToCsv, CSV_HEADER } from './export-csv'
export { decodeUpload, type DecodeResult, type TextEncodingName } from './decode'
export { readCsv, detectDelimiter, type CsvRecord, type CsvReadResult, type CsvDelimiter } from './csv'
