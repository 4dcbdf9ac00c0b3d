/**
 * The short reference of a sale for the screens: the same 8 characters the pending slip prints
 * large (one definition, in the protocol's ids), without pulling the contract's zod into the bundle.
 */
export { shortReference } from '../../switch-core/protocol/ids';
