using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace GrowHalo.Bench.Server;

/// <summary>
/// The managed heap of a .NET process as its garbage collector reports it after every collection (the runtime's
/// GCHeapStats event, read over EventPipe, the diagnostics channel dotnet-counters and dotnet-trace use): the live
/// heap right after a GC, which is what grows when something leaks, unlike the resident set, which also holds
/// free heap the GC keeps for later. Each sample says whether its collection was a full one (generation 2): only
/// those free everything that is dead, so only they show what is really live.
/// </summary>
public sealed class RuntimeCounters : IDisposable
{
    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Task _reading;
    private readonly List<(DateTimeOffset At, double Bytes, bool Full)> _samples = [];
    private int _depth;

    private RuntimeCounters(EventPipeSession session)
    {
        _session = session;
        _source = new EventPipeEventSource(session.EventStream);
        _source.Clr.GCStart += e => _depth = e.Depth; // a collection's heap statistics follow its start
        _source.Clr.GCHeapStats += e =>
        {
            lock (_samples) _samples.Add((DateTimeOffset.UtcNow, e.TotalHeapSize, _depth == 2));
        };
        _reading = Task.Run(() => _source.Process());
    }

    /// <summary>The heap after each collection so far, and whether the collection was a full one.</summary>
    public IReadOnlyList<(DateTimeOffset At, double Bytes, bool Full)> Samples
    {
        get { lock (_samples) return _samples.ToList(); }
    }

    /// <summary>Listens to <paramref name="pid"/>; null (and a line in the log) when the process does not let us.</summary>
    public static RuntimeCounters? TryStart(int pid, Action<string> log)
    {
        try
        {
            var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC);
            return new RuntimeCounters(new DiagnosticsClient(pid).StartEventPipeSession(provider, requestRundown: false));
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or TimeoutException or IOException
                                   or UnauthorizedAccessException or System.Net.Sockets.SocketException)
        {
            log($"The managed heap is not measured: the diagnostics channel of process {pid} did not answer ({e.Message}).");
            return null;
        }
    }

    public void Dispose()
    {
        try { _session.Stop(); }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or TimeoutException) { } // the process is gone
        _reading.Wait(TimeSpan.FromSeconds(5));
        _source.Dispose();
        _session.Dispose();
    }
}
