using Npgsql;

namespace GrowHalo.Platform.Database;

/// <summary>Settings under <c>Outages</c>: how GrowHalo answers while its database is away or slow.</summary>
public sealed class OutageOptions
{
    /// <summary>
    /// How long a webhook may take, from its arrival to its answer, before it is shed with a 503 (storing nothing it
    /// had not committed). Shopify gives up after 5 s; the default leaves room for the network and a cancellation.
    /// </summary>
    public TimeSpan WebhookBudget { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The Retry-After (seconds) of a 503 answered because the database is unreachable or too slow.</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>How long /health/ready waits for the database (its ping and the projections' lag) before it says it does not answer.</summary>
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// Tells the failures that mean "the database is away or overloaded, try again" from everything else: a refused or
/// broken connection, a server shutting down or starting (57P01, 57P03), too many connections (53300), a lock or
/// statement timeout, the connection pool's wait running out. Marten and Wolverine wrap what Npgsql throws, so the
/// whole chain of inner exceptions is looked at.
/// </summary>
public static class DatabaseUnavailable
{
    /// <remarks>Only what Npgsql raised counts: an I/O error of the request itself (Kestrel's BadHttpRequestException
    /// is an IOException) is the client's, not the database's.</remarks>
    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.IsTransient || pg.SqlState is PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.LockNotAvailable
                        or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections
                        || pg.SqlState.StartsWith("08", StringComparison.Ordinal);
                case NpgsqlException { IsTransient: true }: // a socket, I/O or timeout failure under it (the pool's wait included)
                    return true;
            }
        }
        return false;
    }

    /// <summary>What a person is told, without internals: the database is unreachable, or too slow to answer in time.</summary>
    public static string Describe(Exception exception, int retryAfterSeconds) =>
        (TooSlow(exception)
            ? "The database is too slow to answer in time right now (it is busy or a table is locked), so this request was not acknowledged. "
            : "The database is unreachable right now (it may be restarting), so this request was not acknowledged. ")
        + $"Retry in {retryAfterSeconds} s; sending the same request again is safe (anything already stored is recognised as a duplicate).";

    private static bool TooSlow(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is OperationCanceledException or TimeoutException || e is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.LockNotAvailable })
                return true;
        return false;
    }
}
