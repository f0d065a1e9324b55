//! A TCP forwarder that a test can cut and restore, to take a database "down" and bring
//! it back on the same address without touching the server.

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// Forwards `127.0.0.1:port` to `target` while running.
#[derive(Debug)]
pub struct Proxy {
    addr: SocketAddr,
    target: SocketAddr,
    task: Option<JoinHandle<()>>,
}

impl Proxy {
    /// Starts forwarding from a free local port.
    pub async fn start(target: SocketAddr) -> Proxy {
        let listener = listen(SocketAddr::from(([127, 0, 0, 1], 0)));
        let addr = listener.local_addr().expect("proxy address");
        Proxy {
            addr,
            target,
            task: Some(tokio::spawn(forward(listener, target))),
        }
    }

    /// The local port clients should connect to.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Closes the listener and every forwarded connection, like a database going away.
    pub async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }

    /// Listens again on the same port.
    pub fn restart(&mut self) {
        if self.task.is_none() {
            let listener = listen(self.addr);
            self.task = Some(tokio::spawn(forward(listener, self.target)));
        }
    }
}

fn listen(addr: SocketAddr) -> TcpListener {
    let socket = TcpSocket::new_v4().expect("socket");
    // Rebinding the same port right after stop() needs SO_REUSEADDR.
    socket.set_reuseaddr(true).expect("reuseaddr");
    socket.bind(addr).expect("bind proxy");
    socket.listen(64).expect("listen")
}

async fn forward(listener: TcpListener, target: SocketAddr) {
    // Dropping the set (when this task is aborted) aborts every forwarding task.
    let mut conns = JoinSet::new();
    while let Ok((mut inbound, _)) = listener.accept().await {
        while conns.try_join_next().is_some() {}
        conns.spawn(async move {
            if let Ok(mut outbound) = TcpStream::connect(target).await {
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            }
        });
    }
}
