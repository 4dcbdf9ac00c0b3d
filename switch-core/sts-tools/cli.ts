/**
 * `ppu-sts`: the field techs' STS tool. Derives decoder keys, makes and reads credit and key change
 * tokens, and plays a virtual meter (`meter ... enter TOKEN20`). Output on stdout; bad input gives one
 * line naming the flag and exit 2; a token that fails its CRC exits 1.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import {
  creditToken,
  deriveDecoderKey,
  isValidPan,
  keyChangeTokens,
  parseUnits,
  readToken,
  tidFor,
  MAX_AMOUNT_TENTHS,
  type BaseDate,
  type KeyType,
  type ReadToken,
  type Subclass,
} from '../sts';
import { addMeterCommand } from './meter-command';

function hex16(value: string): string {
  if (!/^[0-9a-fA-F]{16}$/.test(value)) throw new InvalidArgumentError('expected 16 hex digits');
  return value.toLowerCase();
}

function digits(n: number): (value: string) => string {
  return (value) => {
    if (!new RegExp(`^\\d{${n}}$`).test(value)) throw new InvalidArgumentError(`expected ${n} digits`);
    return value;
  };
}

function intIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number ${min}..${max}`);
    return n;
  };
}

export function pan18(value: string): string {
  if (!isValidPan(value)) throw new InvalidArgumentError('expected an 18-digit meter PAN with its Luhn check digit');
  return value;
}

function units(value: string): number {
  const tenths = parseUnits(value);
  if (tenths === null) throw new InvalidArgumentError(`expected units 0..${MAX_AMOUNT_TENTHS / 10} with at most one decimal`);
  return tenths;
}

function isoTime(value: string): Date {
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(d.getTime())) throw new InvalidArgumentError('expected an ISO time such as 2026-11-30T14:05Z');
  return d;
}

function baseDate(value: string): BaseDate {
  if (value !== '1993' && value !== '2014') throw new InvalidArgumentError('expected 1993 or 2014');
  return Number(value) as BaseDate;
}

/** A token read with its CRC holding, as `decode` prints it. */
function decodedFields(read: Exclude<ReadToken, { kind: 'format' | 'crc' }>): Record<string, unknown> {
  switch (read.kind) {
    case 'credit':
      return { tokenClass: 0, subclass: read.subclass, random: read.random, tid: read.tid, units: read.tenths / 10, crcOk: true };
    case 'kct1':
      return { tokenClass: 2, subclass: 3, kenHighNibble: read.ken >> 4, krn: read.krn, keyType: read.keyType, rollover: read.rollover, crcOk: true };
    case 'kct2':
      return { tokenClass: 2, subclass: 4, kenLowNibble: read.ken, tariffIndex: read.tariffIndex, crcOk: true };
    case 'other':
      return { tokenClass: read.tokenClass, subclass: read.subclass, crcOk: true };
  }
}

/** A usage error in commander's words, so every bad input reads and exits the same way. */
function usage(program: Command, message: string): never {
  return program.error(`error: ${message}`, { exitCode: 2, code: 'ppu-sts.usage' });
}

export function buildProgram(): Command {
  const program = new Command('ppu-sts').description('STS (IEC 62055-41) tokens: decoder keys, credit and key change tokens, a virtual meter');

  program
    .command('decoder-key')
    .description('derive a meter decoder key (DKGA02)')
    .requiredOption('--vending-key <hex16>', "the supply group's vending key", hex16)
    .requiredOption('--sgc <nnnnnn>', 'supply group code', digits(6))
    .requiredOption('--tariff-index <nn>', 'tariff index', digits(2))
    .requiredOption('--krn <n>', 'key revision number', intIn(1, 9))
    .requiredOption('--key-type <n>', 'key type 0..3', intIn(0, 3))
    .requiredOption('--pan <pan18>', 'meter PAN', pan18)
    .action((o: { vendingKey: string; sgc: string; tariffIndex: string; krn: number; keyType: number; pan: string }) => {
      console.log(deriveDecoderKey({ vendingKey: o.vendingKey, supplyGroupCode: o.sgc, tariffIndex: o.tariffIndex, keyRevision: o.krn, keyType: o.keyType as KeyType, pan: o.pan }));
    });

  program
    .command('credit')
    .description('make a credit token (class 0)')
    .requiredOption('--decoder-key <hex16>', "the meter's decoder key", hex16)
    .requiredOption('--subclass <n>', '0 electricity, 1 water, 2 gas', intIn(0, 2))
    .option('--tid <minutes>', 'token identifier: minutes since the base date', intIn(0, 2 ** 24 - 1))
    .option('--issued <iso-time>', 'issue time (UTC), instead of --tid', isoTime)
    .option('--base-date <year>', 'base date for --issued: 1993 or 2014', baseDate)
    .requiredOption('--random <n>', 'random digit 0..15', intIn(0, 15))
    .requiredOption('--units <decimal>', 'units (kWh, kL, kg) with at most one decimal; rounded up to what a token carries', units)
    .action((o: { decoderKey: string; subclass: number; tid?: number; issued?: Date; baseDate?: BaseDate; random: number; units: number }) => {
      let tid = o.tid;
      if (tid === undefined) {
        if (!o.issued || !o.baseDate) usage(program, "give --tid, or both --issued and --base-date");
        try {
          tid = tidFor(o.issued, o.baseDate);
        } catch (e) {
          usage(program, `option '--issued' ${(e as Error).message}`);
        }
      } else if (o.issued || o.baseDate) usage(program, "option '--tid' cannot be used with --issued or --base-date");
      console.log(creditToken(o.decoderKey, { subclass: o.subclass as Subclass, random: o.random, tid, tenths: o.units }));
    });

  program
    .command('decode')
    .description('read a token with a decoder key (JSON)')
    .requiredOption('--decoder-key <hex16>', "the meter's decoder key", hex16)
    .argument('<token20>', 'the 20-digit token', digits(20))
    .action((token: string, o: { decoderKey: string }) => {
      const read = readToken(token, o.decoderKey);
      if (read.kind === 'format') usage(program, "argument 'token20' is not a token (its value is 2^66 or more)");
      if (read.kind === 'crc') {
        console.log(JSON.stringify({ tokenClass: read.tokenClass, crcOk: false }));
        process.exitCode = 1;
        return;
      }
      console.log(JSON.stringify(decodedFields(read)));
    });

  program
    .command('kct')
    .description('make a key change token pair (class 2, subclasses 3 and 4), encrypted with the old key')
    .requiredOption('--old-decoder-key <hex16>', 'the key the meter holds now', hex16)
    .requiredOption('--new-decoder-key <hex16>', 'the key to install', hex16)
    .requiredOption('--ken <n>', 'key expiry number 0..255 (255: never)', intIn(0, 255))
    .requiredOption('--krn <n>', 'new key revision number', intIn(1, 9))
    .requiredOption('--key-type <n>', 'new key type 0..3', intIn(0, 3))
    .requiredOption('--tariff-index <nn>', 'new tariff index', digits(2))
    .option('--rollover', 'move the meter to base date 2014 (clears its TID memory)')
    .action((o: { oldDecoderKey: string; newDecoderKey: string; ken: number; krn: number; keyType: number; tariffIndex: string; rollover?: boolean }) => {
      const pair = keyChangeTokens(o.oldDecoderKey, {
        newDecoderKey: o.newDecoderKey,
        ken: o.ken,
        krn: o.krn,
        keyType: o.keyType as KeyType,
        tariffIndex: Number(o.tariffIndex),
        rollover: o.rollover === true,
      });
      console.log(pair.join('\n'));
    });

  addMeterCommand(program);

  // Every usage error exits 2 with one line; help and version keep their own exit code.
  const override = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    process.exitCode = e.code.startsWith('commander.help') || e.code === 'commander.version' ? e.exitCode : 2;
  }
}
