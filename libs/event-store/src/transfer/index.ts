export { exportHistory, defaultCommitOf, type ExportOptions, type ExportSummary } from './export-history';
export { importHistory, type ImportSummary } from './import-history';
export { HistoryTransferError, parseHistoryLine, type HistoryLine } from './history-line';
