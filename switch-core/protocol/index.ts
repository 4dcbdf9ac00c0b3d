/** Public face of the PPU v3 protocol module: import from here, not from the files inside. */
export * from './schemas';
export * from './errors';
export * from './outcome';
export * from './operations';
export * from './validate';
export * from './client';
export * from './ids';
export * from './meter-number';
export * from './read-side';
