// Public surface of lib/tar: streaming read, safe extraction, directory packing, decompression.
export {
  type Compression,
  decompress,
  detectCompression,
  gunzipToFd,
  hasIgzip,
  peekCompression,
} from './decompress.ts'
export { cleanEntryName, type ExtractOptions, type ExtractResult, extractTar } from './extract.ts'
export {
  BLOCK,
  encodeHeader,
  endOfArchive,
  entryBytes,
  headerFromStats,
  padding,
  type TarEntryType,
  type TarHeader,
} from './format.ts'
export { fileData, type PackOptions, packDirectory, readXattrs } from './pack.ts'
export { readTar, type TarEntry } from './reader.ts'
