import { useSyncExternalStore } from "react";

const subscribe = () => () => undefined;

/**
 * False during the server render and hydration, true once React runs in the browser. Controls
 * that only work with JavaScript (the file picker, dialogs) stay disabled until then, so an early
 * click is not lost.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
