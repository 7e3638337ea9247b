using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace GrowHalo.Tests.Platform.Tenancy;

/// <summary>
/// A Serilog sink that keeps every event, at every level, in memory: its level, source, rendered message, every
/// structured property and its exception. The server's Serilog picks up sinks registered as services
/// (<c>ReadFrom.Services</c>), so a test sees exactly what the console or a log collector would get.
/// </summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyCollection<string> Lines => _lines;
    public IReadOnlyCollection<LogEvent> Events => _events;

    public void Emit(LogEvent logEvent)
    {
        _events.Enqueue(logEvent);
        var json = new StringWriter();
        new JsonFormatter(renderMessage: true).Format(logEvent, json); // every property, as a collector would store it
        _lines.Enqueue($"{logEvent.Level} {logEvent.RenderMessage()} {json}");
    }
}
