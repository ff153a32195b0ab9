// The Compose and Accounts screens as the shell mounts them: the one place that names their modules, so the
// shell's tests can stand them in with vi.mock. The props are the screens' own (type imports vanish at run time).
import type { ComposeScreenProps } from '../compose/compose-screen';
import type { SettingsScreenProps } from '../settings/settings-screen';
import type { ComposeIntent } from '../compose/intent';

export type { ComposeIntent };
export type ComposeSlotProps = ComposeScreenProps;
export type SettingsSlotProps = SettingsScreenProps;

export { ComposeScreen as ComposeSlot } from '../compose/compose-screen';
export { SettingsScreen as SettingsSlot } from '../settings/settings-screen';
