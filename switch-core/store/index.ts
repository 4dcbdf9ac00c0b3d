/** Public face of the switch's store: the repository and its migrations. */
export * from './repository';
export { migrate, LATEST_VERSION, MIGRATIONS } from './migrations';
