using Serilog;
using Serilog.Events;

namespace GrowHalo.Platform;

/// <summary>Serilog behind Microsoft.Extensions.Logging: structured, one line per event, to the console (stderr for the CLI).</summary>
public static class Logging
{
    public static Serilog.ILogger Create(bool forCli = false) => new LoggerConfiguration()
        .MinimumLevel.Information()
        .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
        .MinimumLevel.Override("System", LogEventLevel.Warning)
        // Marten logs every schema statement it runs and every daemon page at Information: warnings and errors only.
        .MinimumLevel.Override("Marten", LogEventLevel.Warning)
        .MinimumLevel.Override("JasperFx", LogEventLevel.Warning)
        .MinimumLevel.Override("GrowHalo", Enum.TryParse<LogEventLevel>(Environment.GetEnvironmentVariable("GROWHALO_LOG_LEVEL"), true, out var level)
            ? level : forCli ? LogEventLevel.Warning : LogEventLevel.Information) // the demo quiets request lines with Warning
        .Enrich.FromLogContext()
        .WriteTo.Console(
            outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}",
            standardErrorFromLevel: forCli ? LogEventLevel.Verbose : null)
        .CreateLogger();

    public static ILoggingBuilder UseGrowHaloLogging(this ILoggingBuilder logging, bool forCli = false)
    {
        logging.ClearProviders();
        var serilog = Create(forCli);
        return logging.AddSerilog(serilog, dispose: true);
    }
}
