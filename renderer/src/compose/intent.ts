// What the shell asks Compose to open: a new message (maybe prefilled from a mailto: link), a draft, or the latest draft.
// A new `key` means "start over with this intent", even when the kind is the same as before.
import type { ComposePrefill, Draft } from '../../../electron/shared/compose';

export type ComposeIntent =
  { kind: 'new'; prefill?: ComposePrefill; key: number } | { kind: 'draft'; draft: Draft; key: number } | { kind: 'resume'; key: number };
