using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace GrowHalo.Platform;

/// <summary>
/// Serilog for the server and the command line: levels and sinks from the "Serilog" section of appsettings.json (and
/// environment variables such as <c>Serilog__MinimumLevel__Override__GrowHalo=Debug</c>), one readable line per event
/// on the console, or one JSON object per line with <c>--log-format=json</c> (<c>GROWHALO_LOG_FORMAT=json</c>) for a
/// log collector. The CLI writes logs to stderr, so a command's own output on stdout stays clean.
/// </summary>
public static class Logging
{
    private const string Template = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static LoggerConfiguration Configure(this LoggerConfiguration logger, IConfiguration configuration, bool forCli = false)
    {
        logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("System", LogEventLevel.Warning)
            // Marten logs every schema statement it runs and every daemon page at Information; Wolverine every handler
            // type it generates: warnings and errors only.
            .MinimumLevel.Override("Marten", LogEventLevel.Warning)
            .MinimumLevel.Override("JasperFx", LogEventLevel.Warning)
            .MinimumLevel.Override("Wolverine", LogEventLevel.Warning)
            // GrowHalo has no message handlers, by design: Wolverine's warning that it found none is not news.
            .MinimumLevel.Override("Wolverine.Configuration.HandlerDiscovery", LogEventLevel.Error)
            // Request lines come from Serilog's request logging; the demo quiets them with GROWHALO_LOG_LEVEL=Warning.
            .MinimumLevel.Override("Serilog.AspNetCore.RequestLoggingMiddleware", Level(forCli))
            .MinimumLevel.Override("GrowHalo", Level(forCli))
            .Enrich.FromLogContext()
            // Wolverine logs a body that is not valid JSON as an error with its stack trace: it is the client's mistake,
            // answered with a 400 problem, and the request line already records it.
            .Filter.ByExcluding(e => e.MessageTemplate.Text.StartsWith("Error trying to deserialize JSON from incoming HTTP body", StringComparison.Ordinal))
            .ReadFrom.Configuration(configuration);
        var json = string.Equals(configuration["log-format"] ?? configuration["GROWHALO_LOG_FORMAT"], "json", StringComparison.OrdinalIgnoreCase);
        LogEventLevel? toStderr = forCli ? LogEventLevel.Verbose : null;
        return json
            ? logger.WriteTo.Console(new RenderedCompactJsonFormatter(), standardErrorFromLevel: toStderr)
            : logger.WriteTo.Console(outputTemplate: Template, standardErrorFromLevel: toStderr);
    }

    private static LogEventLevel Level(bool forCli) =>
        Enum.TryParse<LogEventLevel>(Environment.GetEnvironmentVariable("GROWHALO_LOG_LEVEL"), true, out var level)
            ? level : forCli ? LogEventLevel.Warning : LogEventLevel.Information;

    /// <summary>The command line's logging (the server's is set up with <c>UseSerilog</c> in <see cref="GrowHaloHost"/>).</summary>
    public static ILoggingBuilder UseGrowHaloLogging(this ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.ClearProviders();
        return logging.AddSerilog(new LoggerConfiguration().Configure(configuration, forCli: true).CreateLogger(), dispose: true);
    }
}
