// Live updates: the server sends "changed" (nothing else) when a projection has applied this tenant's events.
// EventSource reconnects by itself after network errors; a refused connection (401) closes it for good, and then
// the caller checks whether the session is still alive.
export function connectLive({ onChanged, onState, onClosed }) {
  let source = null;
  let retry = null;
  let stopped = false;

  function open() {
    source = new EventSource('/dashboard/live');
    source.addEventListener('ready', () => onState('live'));
    source.addEventListener('changed', () => onChanged());
    source.onerror = () => {
      if (stopped) return;
      if (source.readyState === EventSource.CLOSED) {
        onState('offline');
        retry = setTimeout(async () => {
          if (stopped) return;
          if (await onClosed()) open();
        }, 3000);
      } else {
        onState('reconnecting');
      }
    };
  }

  open();
  return () => {
    stopped = true;
    clearTimeout(retry);
    source?.close();
  };
}
