using System.Net.Sockets;
using GrowHalo.Platform.Database;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace GrowHalo.Tests.Platform.Reliability.Outages;

/// <summary>Which failures are answered 503 "retry" (the database is away or too slow) and which stay what they were.</summary>
public sealed class DatabaseUnavailableTests
{
    private static PostgresException Postgres(string sqlState) => new("message", "FATAL", "FATAL", sqlState);

    public static TheoryData<string, Exception> Unavailable => new()
    {
        { "refused connection", new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)) },
        { "pool wait ran out", new NpgsqlException("The connection pool has been exhausted", new TimeoutException()) },
        { "connection broken in use", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()) },
        { "admin shutdown", Postgres(PostgresErrorCodes.AdminShutdown) },
        { "server starting or stopping", Postgres(PostgresErrorCodes.CannotConnectNow) },
        { "too many connections", Postgres(PostgresErrorCodes.TooManyConnections) },
        { "statement timeout", Postgres(PostgresErrorCodes.QueryCanceled) },
        { "lock timeout", Postgres(PostgresErrorCodes.LockNotAvailable) },
        { "wrapped by Marten", new InvalidOperationException("Marten command failed", Postgres(PostgresErrorCodes.AdminShutdown)) },
    };

    public static TheoryData<string, Exception> Other => new()
    {
        { "the request's own body", new BadHttpRequestException("Unexpected end of request content.") },
        { "a data error", Postgres("22P02") },
        { "a unique violation", Postgres(PostgresErrorCodes.UniqueViolation) },
        { "a bug", new InvalidOperationException("Sequence contains no elements") },
        { "a bare socket error", new SocketException((int)SocketError.ConnectionRefused) },
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public void failures_of_an_away_or_slow_database_are_unavailable(string what, Exception e) => Assert.True(DatabaseUnavailable.Is(e), what);

    [Theory]
    [MemberData(nameof(Other))]
    public void other_failures_are_not(string what, Exception e) => Assert.False(DatabaseUnavailable.Is(e), what);
}
