using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Backend.TestSupport;

/// <summary>
/// Ports on 127.0.0.1 for the servers tests and benchmarks start. They are taken below the kernel's ephemeral range
/// (<c>/proc/sys/net/ipv4/ip_local_port_range</c>, 32768–60999 by default), where the kernel never puts the local
/// end of an outgoing connection: a port handed out by the kernel as free could be taken, before the server that was
/// given it bound it, by any client socket of the tests running beside it (once a silo started 30 s after its port
/// was chosen found it in use). A race between two test processes choosing the same port stays possible, and rare.
/// </summary>
public static class LoopbackPorts
{
    // Clear of the product's own default ports too (5080, 8081, 11111, 30000, 55432: scripts/cluster.sh).
    private const int Lowest = 15000;
    private const int Highest = 29_900;

    /// <summary>A port that can be bound right now.</summary>
    public static int Free() => FreeRange(1);

    /// <summary>The first of <paramref name="count"/> consecutive ports that can all be bound right now.</summary>
    public static int FreeRange(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!BelowEphemeralRange())
        {
            // The kernel's ephemeral range starts too low to leave room: let it choose, as before.
            return KernelChosen(count);
        }
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var first = Random.Shared.Next(Lowest, Highest - count + 1);
            if (Enumerable.Range(first, count).All(IsFree))
            {
                return first;
            }
        }
        throw new InvalidOperationException($"No {count} consecutive free ports between {Lowest} and {Highest}.");
    }

    /// <summary>Whether <paramref name="port"/> can be bound right now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool BelowEphemeralRange()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return range.Length == 2 && int.Parse(range[0], CultureInfo.InvariantCulture) > Highest;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return false;
        }
    }

    private static int KernelChosen(int count)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var first = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (first + count - 1 <= IPEndPoint.MaxPort && Enumerable.Range(first, count).All(IsFree))
            {
                return first;
            }
        }
        throw new InvalidOperationException($"No {count} consecutive free ports.");
    }
}
