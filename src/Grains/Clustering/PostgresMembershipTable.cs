using System.Globalization;
using System.Net;
using System.Text.Json;
using Backend.Grains.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Messaging;

namespace Backend.Grains.Clustering;

/// <summary>
/// Orleans cluster membership in PostgreSQL (tables <c>membership_version</c> and <c>membership</c>, the same
/// database as grain state). Every change to a silo's row also moves the table version by compare-and-swap in
/// one transaction, as Orleans' membership protocol requires: of two silos voting at once, one wins and the
/// other re-reads. Rows are keyed by service id, cluster id and silo address (<c>ip:port@generation</c>).
/// </summary>
public sealed partial class PostgresMembershipTable(
    string serviceId, string clusterId, NpgsqlDataSource dataSource, ILogger<PostgresMembershipTable> logger) : IMembershipTable
{
    private const string Columns =
        "silo, silo_name, host_name, status, proxy_port, suspect_times, start_time, i_am_alive_time, role_name, update_zone, fault_zone, etag";

    public async Task InitializeMembershipTable(bool tryInitTableVersion)
    {
        // The schema may not be there yet when a client starts before any silo: migrate it (idempotent).
        await DatabaseSchema.MigrateAsync(dataSource, logger, CancellationToken.None);
        if (tryInitTableVersion)
        {
            await using var command = Command(
                "INSERT INTO membership_version (service_id, cluster_id, version) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING");
            await command.ExecuteNonQueryAsync();
        }
    }

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadAsync(key);

    public Task<MembershipTableData> ReadAll() => ReadAsync(null);

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) =>
        ChangeAsync(tableVersion, async connection =>
        {
            await using var insert = Command(
                $"INSERT INTO membership (service_id, cluster_id, {Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1) ON CONFLICT DO NOTHING",
                connection);
            AddEntry(insert, entry);
            return await insert.ExecuteNonQueryAsync() == 1;
        });

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) =>
        ChangeAsync(tableVersion, async connection =>
        {
            await using var update = Command(
                "UPDATE membership SET silo_name = $4, host_name = $5, status = $6, proxy_port = $7, suspect_times = $8, start_time = $9, " +
                "i_am_alive_time = $10, role_name = $11, update_zone = $12, fault_zone = $13, etag = etag + 1 " +
                "WHERE service_id = $1 AND cluster_id = $2 AND silo = $3 AND etag = $14",
                connection);
            AddEntry(update, entry);
            update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = ParseNumber(etag) });
            return await update.ExecuteNonQueryAsync() == 1;
        });

    public async Task UpdateIAmAlive(MembershipEntry entry)
    {
        await using var command = Command("UPDATE membership SET i_am_alive_time = $4 WHERE service_id = $1 AND cluster_id = $2 AND silo = $3");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.SiloAddress.ToParsableString() });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(entry.IAmAliveTime) });
        await command.ExecuteNonQueryAsync();
    }

    public async Task DeleteMembershipTableEntries(string clusterId)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var table in (string[])["membership", "membership_version"])
        {
            var command = new NpgsqlBatchCommand($"DELETE FROM {table} WHERE service_id = $1 AND cluster_id = $2");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync();
    }

    public async Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate)
    {
        await using var command = Command(
            "DELETE FROM membership WHERE service_id = $1 AND cluster_id = $2 AND status = $3 AND i_am_alive_time < $4");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)SiloStatus.Dead });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = beforeDate.UtcDateTime });
        var removed = await command.ExecuteNonQueryAsync();
        if (removed > 0)
        {
            LogCleanedUp(logger, removed);
        }
    }

    /// <summary>The table version and the rows (all, or <paramref name="silo"/>'s), read in one statement: one snapshot.</summary>
    private async Task<MembershipTableData> ReadAsync(SiloAddress? silo)
    {
        await using var command = Command(
            $"SELECT v.version, {string.Join(", ", Columns.Split(", ").Select(c => "m." + c))} FROM membership_version v " +
            "LEFT JOIN membership m ON m.service_id = v.service_id AND m.cluster_id = v.cluster_id AND ($3::text IS NULL OR m.silo = $3) " +
            "WHERE v.service_id = $1 AND v.cluster_id = $2");
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = silo?.ToParsableString(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Tuple<MembershipEntry, string>>();
        var version = 0;
        while (await reader.ReadAsync())
        {
            version = reader.GetInt32(0);
            if (!await reader.IsDBNullAsync(1))
            {
                rows.Add(Tuple.Create(ReadEntry(reader), reader.GetInt32(12).ToString(CultureInfo.InvariantCulture)));
            }
        }
        return new MembershipTableData(rows, new TableVersion(version, version.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>Moves the table version from the one read to <paramref name="next"/> and applies <paramref name="change"/>, both or neither.</summary>
    private async Task<bool> ChangeAsync(TableVersion next, Func<NpgsqlConnection, Task<bool>> change)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var version = Command(
            "UPDATE membership_version SET version = $3 WHERE service_id = $1 AND cluster_id = $2 AND version = $4", connection);
        version.Parameters.Add(new NpgsqlParameter<int> { TypedValue = next.Version });
        version.Parameters.Add(new NpgsqlParameter<int> { TypedValue = ParseNumber(next.VersionEtag) });
        if (await version.ExecuteNonQueryAsync() != 1 || !await change(connection))
        {
            await transaction.RollbackAsync();
            return false;
        }
        await transaction.CommitAsync();
        return true;
    }

    private NpgsqlCommand Command(string sql, NpgsqlConnection? connection = null)
    {
        var command = connection is null ? dataSource.CreateCommand(sql) : new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
        return command;
    }

    private static void AddEntry(NpgsqlCommand command, MembershipEntry entry)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.SiloAddress.ToParsableString() });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = entry.SiloName, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = entry.HostName, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)entry.Status });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = entry.ProxyPort });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = WriteSuspects(entry.SuspectTimes) });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(entry.StartTime) });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Utc(entry.IAmAliveTime) });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = entry.RoleName, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = entry.UpdateZone });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = entry.FaultZone });
    }

    private static MembershipEntry ReadEntry(NpgsqlDataReader reader) => new()
    {
        SiloAddress = SiloAddress.FromParsableString(reader.GetString(1)),
        SiloName = reader.IsDBNull(2) ? "" : reader.GetString(2),
        HostName = reader.IsDBNull(3) ? "" : reader.GetString(3),
        Status = (SiloStatus)reader.GetInt32(4),
        ProxyPort = reader.GetInt32(5),
        SuspectTimes = ReadSuspects(reader.GetString(6)),
        StartTime = reader.GetDateTime(7),
        IAmAliveTime = reader.GetDateTime(8),
        RoleName = reader.IsDBNull(9) ? null : reader.GetString(9),
        UpdateZone = reader.GetInt32(10),
        FaultZone = reader.GetInt32(11),
    };

    // Votes as JSON: [["ip:port@generation", "2026-12-01T10:00:00Z"], …].
    private static string WriteSuspects(List<Tuple<SiloAddress, DateTime>>? suspects) =>
        JsonSerializer.Serialize((suspects ?? []).Select(s => new[] { s.Item1.ToParsableString(), Utc(s.Item2).ToString("O", CultureInfo.InvariantCulture) }));

    private static List<Tuple<SiloAddress, DateTime>> ReadSuspects(string json) =>
        [.. (JsonSerializer.Deserialize<string[][]>(json) ?? []).Select(s => Tuple.Create(
            SiloAddress.FromParsableString(s[0]),
            DateTime.Parse(s[1], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)))];

    private static DateTime Utc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };

    // An etag this table did not write can never match a stored one.
    private static int ParseNumber(string? etag) =>
        int.TryParse(etag, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : int.MinValue;

    [LoggerMessage(210, LogLevel.Information, "Removed {Count} defunct silo entries from the membership table")]
    private static partial void LogCleanedUp(ILogger logger, int count);
}

/// <summary>
/// Where Orleans clients (the Api nodes) find the cluster: the gateways of the active silos in the membership
/// table, re-read every <see cref="MaxStaleness"/>.
/// </summary>
public sealed class PostgresGatewayListProvider(
    string serviceId, string clusterId, NpgsqlDataSource dataSource, TimeSpan refreshPeriod) : IGatewayListProvider
{
    public TimeSpan MaxStaleness => refreshPeriod;

    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public async Task<IList<Uri>> GetGateways()
    {
        await using var command = dataSource.CreateCommand(
            "SELECT silo, proxy_port FROM membership WHERE service_id = $1 AND cluster_id = $2 AND status = $3 AND proxy_port > 0");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)SiloStatus.Active });
        await using var reader = await command.ExecuteReaderAsync();
        var gateways = new List<Uri>();
        while (await reader.ReadAsync())
        {
            var silo = SiloAddress.FromParsableString(reader.GetString(0));
            gateways.Add(SiloAddress.New(new IPEndPoint(silo.Endpoint.Address, reader.GetInt32(1)), silo.Generation).ToGatewayUri());
        }
        return gateways;
    }
}
