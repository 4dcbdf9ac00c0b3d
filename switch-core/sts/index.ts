/** STS (IEC 62055-41, EA07 + DKGA02): pure token code for vending and for the virtual meter. */
export * from './amount';
export * from './decoder-key';
export * from './tid';
export * from './token';
export { ea07Decrypt, ea07Encrypt } from './ea07';
export { stsCrc } from './crc';
export * from './meter';
