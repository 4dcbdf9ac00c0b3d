/**
 * The demo profile's named meters, for the field-tech screen that lists them: the numbers as the
 * embedded switch's demo profile defines them (switch-core/providers/demo.ts), so they cannot drift.
 */
export { DEMO_METERS, type DemoMeterName } from '../../switch-core/providers/demo';
