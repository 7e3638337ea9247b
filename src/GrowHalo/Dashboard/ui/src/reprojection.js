import { getJson, onRecomputing } from './api.js';
import { h, replace } from './dom.js';
import { isFinal, runProgress, runWords, watchRun } from './sync.js';

/**
 * The tenant's re-projection after a time zone or currency change (a sync run of kind reproject): its progress bar,
 * fed by the run's event stream like "Sync now", and a banner over every page while answers carry
 * GrowHalo-Recomputing: true. On load it finds a run under way (GET /api/v1/sync?active=true), so a reload keeps both.
 * When the run ends, onFinished refreshes the numbers; their answers no longer carry the header, and the banner goes.
 */
export function createReprojection({ onFinished }) {
  let run = null; // the re-projection followed, as last seen
  let stopWatching = null;
  let recomputing = false; // what the latest answer under /api/v1 said
  let looking = null;
  const progress = h('div', { class: 'reprojection', id: 'reprojection', hidden: true });
  const words = h('span', { class: 'small', id: 'recomputing-words' });
  const banner = h('div', { class: 'banner warn', id: 'recomputing-banner', role: 'status', hidden: true },
    h('strong', {}, 'Numbers are being recomputed'),
    ' after a settings change (time zone or currency). Until it finishes, figures may be part old, part new. ', words);

  function render() {
    const active = !!run && !isFinal(run);
    progress.hidden = !run;
    if (run) {
      replace(progress,
        h('p', { class: 'small muted' }, active ? 'Re-projecting the history in the new settings:' : 'Re-projection of the history:'),
        runProgress(run, { id: 'reprojection-progress' }));
    }
    banner.hidden = !(recomputing || active);
    words.textContent = active ? `(${runWords(run)})` : '';
  }

  function follow(next) {
    if (stopWatching && run?.id === next.id) return;
    stopWatching?.();
    stopWatching = null;
    run = next;
    render();
    if (isFinal(next)) return;
    stopWatching = watchRun(next.id, (update) => {
      run = update;
      render();
      if (isFinal(update)) {
        stopWatching = null;
        finished(update);
      }
    });
  }

  async function finished(done) {
    try { await onFinished?.(done); } catch { /* the panels show their own errors */ }
    await reattach(); // a change made meanwhile queued another run
  }

  /** Follows the re-projection under way, if any: the running one, else the oldest queued. */
  function reattach() {
    looking ??= (async () => {
      try {
        const answer = await getJson('/api/v1/sync?active=true');
        const active = (Array.isArray(answer?.data) ? answer.data : []).filter((r) => r.kind === 'reproject');
        const next = active.find((r) => r.state === 'running') ?? active[active.length - 1]; // newest first
        if (next) follow(next);
      } catch { /* an older server without sync runs: nothing to follow */ } finally {
        looking = null;
      }
    })();
    return looking;
  }

  const unlisten = onRecomputing((now) => {
    recomputing = now;
    render();
    // Someone else's change (another tab, the API): find its run to show its progress.
    if (now && !stopWatching) reattach();
  });

  return {
    progress,
    banner,
    /** Follows a run just started (PATCH /api/v1/tenant answered its id). */
    follow,
    reattach,
    stop() {
      unlisten();
      stopWatching?.();
    },
  };
}
