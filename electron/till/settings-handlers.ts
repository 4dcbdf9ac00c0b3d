/**
 * The manager's Settings methods: read, change (all or nothing; the password goes to the secret
 * store), test the switch connection, print a test page.
 */
import { ApiFail, type Handlers, type TillContext } from './backend-context';
import { settingsView, validateSettings } from './settings';
import { tillLabel } from './sale-slips';
import type { SwitchLink } from './switch-link';

export function settingsHandlers(ctx: TillContext, link: SwitchLink): Handlers<'getSettings' | 'setSettings' | 'testConnection' | 'printTestPage'> {
  const { store, secrets, printer, clock } = ctx;
  const view = () => settingsView(ctx.settings(), Boolean(secrets.get('switchPassword')), secrets.encrypted);
  return {
    getSettings: view,
    setSettings(patch) {
      const v = validateSettings(ctx.settings(), patch);
      if (!v.ok) {
        // The manager reads each reason beside its field; the headline only says how many and that nothing changed.
        const wrong = Object.keys(v.fields);
        throw new ApiFail('INVALID_INPUT', `Nothing was saved: ${wrong.length === 1 ? 'one setting needs' : `${wrong.length} settings need`} a change (marked beside ${wrong.length === 1 ? 'it' : 'each'}).`, { field: wrong[0]!, fields: v.fields });
      }
      // All or nothing: the password and the document are stored only after every field passed.
      if (patch.switchPassword !== undefined) secrets.set('switchPassword', patch.switchPassword);
      store.setSetting('settings', v.value);
      ctx.replaceSettings(v.value);
      link.reset();
      ctx.deps.onSettingsChanged?.(v.value);
      return view();
    },
    testConnection: () => link.testConnection(),
    printTestPage: () => printer.printTestPage({ merchantName: ctx.settings().merchantName, terminalId: tillLabel(ctx.settings()), timeZone: ctx.zone() }, new Date(clock())),
  };
}
