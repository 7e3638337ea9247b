namespace GrowHalo.Simulator.StandIns;

public enum StandInApi { ShopifyRest, ShopifyGraphQl, Meta, Google, ShopifyApp }

/// <summary>
/// Failures a test asks a stand-in to produce: "answer the 3rd Shopify request with 429", "the next Meta request with
/// 500". Each is used once. Also counts requests per API so tests can see what a poller did.
/// </summary>
public sealed class StandInFaults
{
    private readonly object _gate = new();
    private readonly Dictionary<StandInApi, List<(int Skip, int Status)>> _pending = [];
    private readonly Dictionary<StandInApi, int> _requests = [];
    private readonly ManualResetEventSlim _released = new(true);
    private (StandInApi Api, int Skip)? _hold;

    /// <summary>
    /// Keep one request of <paramref name="api"/> waiting, after letting <paramref name="afterRequests"/> through, until
    /// <see cref="Release"/> (at most 30 s): a test sees a client mid-way, e.g. a sync run's progress.
    /// </summary>
    public void HoldAfter(StandInApi api, int afterRequests)
    {
        lock (_gate)
        {
            _hold = (api, afterRequests);
            _released.Reset();
        }
    }

    public void Release() => _released.Set();

    /// <summary>Whether a request is being held now (it arrived and waits for <see cref="Release"/>).</summary>
    public bool Holding { get; private set; }

    /// <summary>Blocks the request that is held, if this is it.</summary>
    internal void WaitIfHeld(StandInApi api)
    {
        lock (_gate)
        {
            if (_hold is not { } hold || hold.Api != api) return;
            _hold = hold.Skip > 0 ? (api, hold.Skip - 1) : null;
            if (hold.Skip > 0) return;
        }
        Holding = true;
        _released.Wait(TimeSpan.FromSeconds(30));
        Holding = false;
    }

    /// <summary>Fail one request of <paramref name="api"/> with <paramref name="status"/>, after letting <paramref name="afterRequests"/> through.</summary>
    public void FailOnce(StandInApi api, int status, int afterRequests = 0)
    {
        lock (_gate)
        {
            if (!_pending.TryGetValue(api, out var list)) _pending[api] = list = [];
            list.Add((afterRequests, status));
        }
    }

    public int Requests(StandInApi api)
    {
        lock (_gate) return _requests.GetValueOrDefault(api);
    }

    /// <summary>Counts the request and returns the status to fail it with, if a fault is due.</summary>
    internal int? Next(StandInApi api)
    {
        lock (_gate)
        {
            _requests[api] = _requests.GetValueOrDefault(api) + 1;
            if (!_pending.TryGetValue(api, out var list) || list.Count == 0) return null;
            var (skip, status) = list[0];
            if (skip > 0)
            {
                list[0] = (skip - 1, status);
                return null;
            }
            list.RemoveAt(0);
            return status;
        }
    }
}
