/**
 * A card number as the card terminal prints it: at most the first 6 and the last 4 digits shown,
 * the rest as '*' (PCI DSS display rule), 12 to 19 characters. The till stores and prints only
 * this and refuses a full card number. Also the terminal's approval code kept beside it. One rule for the screen, the contract and the back end;
 * plain data (no zod) so the renderer can use it without pulling zod into its bundle.
 */
export const MASKED_CARD = /^[0-9]{6}\*{2,9}[0-9]{4}$/;

/** The card terminal's approval (authorisation) code as its slip prints it: letters and digits; sent as the PPU tender's reference (at most 40). */
export const CARD_APPROVAL_CODE = /^[A-Za-z0-9]{1,12}$/;
