using GrowHalo.Platform.Http;
using GrowHalo.Platform.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Wolverine.Http;

namespace GrowHalo.Privacy;

/// <summary>
/// GET /api/v1/privacy/requests/{id}/export (admin): a completed data request's export, as a JSON file download
/// (<c>Content-Disposition: attachment</c>) to pass on to the customer. 409 while the request is not done yet, or when
/// the customer was redacted since (the export went with the rest of their data).
/// </summary>
public static class DownloadPrivacyExport
{
    [WolverineGet("/api/v1/privacy/requests/{id}/export", OperationId = "DownloadPrivacyExport"), RequireScope(Scopes.Admin)]
    [ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    [ProducesResponseType(typeof(System.Text.Json.JsonElement), StatusCodes.Status200OK, "application/json")]
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> Get(string id, RequestTenant tenant, TenantDatabases databases,
        HttpContext http, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var guid)) return GetPrivacyRequest.NotFound(id);
        await using var db = await TenantDb.BeginAsync(databases, tenant.Id, ct);
        if (await PrivacyRequestStore.GetAsync(db, guid, ct) is not { } row) return GetPrivacyRequest.NotFound(id);
        if (row.Kind != PrivacyKinds.DataRequest)
            return Conflict($"Request {id} is a {row.Kind}; only a data_request has an export.");
        if (row.State != PrivacyStates.Completed)
            return Conflict($"Request {id} is {row.State}: its export is being assembled. Check GET /api/v1/privacy/requests/{id} and download when it is completed.");
        if (await PrivacyRequestStore.ExportAsync(db, guid, ct) is not { } json)
            return Conflict($"Request {id}'s export was deleted when the customer was redacted; there is nothing left to download.");
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"privacy-request-{guid}.json\"";
        return TypedResults.Text(json, "application/json");
    }

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");
}
