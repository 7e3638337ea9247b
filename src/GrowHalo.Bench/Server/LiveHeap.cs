using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace GrowHalo.Bench.Server;

/// <summary>
/// The live managed heap of a .NET process, as its garbage collector reports it over EventPipe (the diagnostics channel
/// dotnet-counters and dotnet-gcdump use). <see cref="CollectAsync"/> makes the process run a blocking full collection
/// now, as dotnet-gcdump does (the runtime's GCHeapCollect keyword), and answers the bytes that collection found live:
/// what survived it in every generation (the GCHeapStats event's promoted sizes). That is what grows when something
/// leaks. The heap's size after a collection is not: it also holds the free space between live objects, which the
/// background (non-compacting) full collections a server runs by itself leave.
/// </summary>
public sealed class LiveHeap : IDisposable
{
    private readonly int _pid;
    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Task _reading;
    private readonly List<double> _collections = [];
    private (int Depth, GCType Type) _current;

    private LiveHeap(int pid, EventPipeSession session)
    {
        _pid = pid;
        _session = session;
        _source = new EventPipeEventSource(session.EventStream);
        _source.Clr.GCStart += e => _current = (e.Depth, e.Type); // a collection's heap statistics follow its start
        _source.Clr.GCHeapStats += e =>
        {
            if (_current is not { Depth: 2, Type: GCType.NonConcurrentGC }) return;
            var live = e.TotalPromotedSize0 + e.TotalPromotedSize1 + e.TotalPromotedSize2 + e.TotalPromotedSize3 + e.TotalPromotedSize4;
            lock (_collections) _collections.Add(live);
        };
        _reading = Task.Run(() => _source.Process());
    }

    /// <summary>The live bytes of every blocking full collection seen so far (induced or not).</summary>
    private List<double> Collections
    {
        get { lock (_collections) return _collections.ToList(); }
    }

    /// <summary>Listens to <paramref name="pid"/>; null (and a line in the log) when the process does not let us.</summary>
    public static LiveHeap? TryStart(int pid, Action<string> log)
    {
        try
        {
            return new LiveHeap(pid, new DiagnosticsClient(pid).StartEventPipeSession(Gc(ClrTraceEventParser.Keywords.GC), requestRundown: false));
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            log($"The managed heap is not measured: the diagnostics channel of process {pid} did not answer ({e.Message}).");
            return null;
        }
    }

    /// <summary>
    /// Has the process run a blocking full collection now and answers the bytes it found live, or null when none was
    /// seen within <paramref name="timeout"/>. The collection stops the process for as long as it takes (milliseconds
    /// on a heap of tens of MB).
    /// </summary>
    public async Task<double?> CollectAsync(TimeSpan timeout, CancellationToken ct)
    {
        var seen = Collections.Count;
        try
        {
            using var trigger = new DiagnosticsClient(_pid).StartEventPipeSession(
                Gc(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect), requestRundown: false);
            var until = DateTimeOffset.UtcNow + timeout;
            while (Collections.Count == seen && DateTimeOffset.UtcNow < until)
                await Task.Delay(20, ct);
            trigger.Stop();
        }
        catch (Exception e) when (IsUnreachable(e)) { return null; }
        var all = Collections;
        return all.Count > seen ? all[^1] : null;
    }

    private static EventPipeProvider Gc(ClrTraceEventParser.Keywords keywords) =>
        new("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)keywords);

    private static bool IsUnreachable(Exception e) => e is ServerNotAvailableException or UnsupportedCommandException or TimeoutException or IOException
        or UnauthorizedAccessException or System.Net.Sockets.SocketException;

    public void Dispose()
    {
        try { _session.Stop(); }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or TimeoutException) { } // the process is gone
        _reading.Wait(TimeSpan.FromSeconds(5));
        _source.Dispose();
        _session.Dispose();
    }
}
