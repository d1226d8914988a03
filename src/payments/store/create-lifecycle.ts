/**
 * Where the create call to Cashii stands, as data: the steps a record's `createState` may take. The
 * repository's create writes (the outcome, a retry's claim, the crash rule, Cashii's id) each name
 * their step and go through `createStepsInto`, so a step missing here cannot be written.
 */
import { CreateState } from './payment-values';

export { CreateState };

const CREATE_STEPS: Readonly<Record<CreateState, readonly CreateState[]>> = {
  // Cashii answered with an id, refused (nothing created), or the outcome is unknown (or the process died mid-call).
  [CreateState.SENDING]: [CreateState.CREATED, CreateState.FAILED, CreateState.UNKNOWN],
  // A retry of the key claims it again; a late answer (the journal, a call that outlived the crash rule) records Cashii's id.
  [CreateState.FAILED]: [CreateState.SENDING, CreateState.CREATED],
  [CreateState.UNKNOWN]: [CreateState.SENDING, CreateState.CREATED],
  [CreateState.CREATED]: [],
};

/** Whether a create may step from `from` to `to`. */
export function canStepCreate(from: CreateState, to: CreateState): boolean {
  return CREATE_STEPS[from].includes(to);
}

/**
 * The states a write to `to` may start from: all the table allows, or the ones the caller names
 * (each checked against the table; naming an illegal step is a bug and throws).
 */
export function createStepsInto(to: CreateState, from?: readonly CreateState[]): CreateState[] {
  const allowed = (Object.keys(CREATE_STEPS) as CreateState[]).filter((state) => canStepCreate(state, to));
  if (from === undefined) return allowed;
  for (const state of from) if (!allowed.includes(state)) throw new Error(`illegal create step ${state} -> ${to}`);
  return [...from];
}
