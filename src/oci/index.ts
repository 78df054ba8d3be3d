// Public surface of oci/: digests, references, media types and document types.
export * from './digest.ts'
export * from './media-types.ts'
export * from './reference.ts'
export * from './types.ts'
