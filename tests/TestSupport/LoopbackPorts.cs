using System.Net;
using System.Net.Sockets;

namespace Backend.TestSupport;

/// <summary>Ports on 127.0.0.1 for the servers tests and benchmarks start (free when asked; a race stays possible).</summary>
public static class LoopbackPorts
{
    /// <summary>A port the system has just handed out as free.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
}
