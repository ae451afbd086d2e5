// The demo's environment: each connector's demo part names the variables its SDK reads; the demo
// sets them for the scan and hides the user's own, then puts everything back.

/**
 * Removes every variable `hides` selects, sets `vars`, and returns the function that puts the
 * previous values (or their absence) back.
 */
export const swapEnv = (
  vars: Record<string, string>,
  hides: (name: string) => boolean = () => false,
): (() => void) => {
  const saved = Object.entries(process.env).filter(([k]) => hides(k) || k in vars);
  for (const [k] of saved) Reflect.deleteProperty(process.env, k);
  Object.assign(process.env, vars);
  return () => {
    for (const k of Object.keys(vars)) Reflect.deleteProperty(process.env, k);
    for (const [k, v] of saved) process.env[k] = v;
  };
};
