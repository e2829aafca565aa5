//! Reads the configuration, opens the database, prints the keys and serves.

use clap::Parser;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;

use auth_devserver::{app, config::Flags, db::Db, jwt, AppState, Config, StaticDirs};

#[tokio::main]
async fn main() {
    let flags = Flags::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "auth_devserver=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(message) = run(flags).await {
        eprintln!("auth-devserver: {message}");
        std::process::exit(1);
    }
}

async fn run(flags: Flags) -> Result<(), String> {
    // Checked before binding: nothing listens with a configuration that exposes the machine.
    Config { bind_host: flags.host.clone(), ..Config::from_lookup(|name| std::env::var(name).ok(), flags.port)? }.check_exposure()?;
    let listener = TcpListener::bind((flags.host.as_str(), flags.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", flags.host, flags.port))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    // Port 0 picks a free port: the defaults that name this server's address need the real one.
    let mut config = Config { bind_host: flags.host.clone(), ..Config::from_lookup(|name| std::env::var(name).ok(), port)? };
    config.dev_endpoints &= !flags.no_dev_endpoints;
    if let Some(parent) = std::path::Path::new(&flags.db).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let db = Db::open(&flags.db).map_err(|e| format!("cannot open database {}: {e}", flags.db))?;
    let now = chrono::Utc::now().timestamp();
    let anon_key = jwt::api_key(&config.jwt_secret, "anon", now);
    let service_key = jwt::api_key(&config.jwt_secret, "service_role", now);
    let wacht_key = auth_devserver::wacht::api_key(&config);
    let (default_secret, dev_endpoints) = (config.jwt_secret_is_default, config.dev_endpoints);
    let state = AppState::new(config, db);
    let router = app(state, StaticDirs { www: flags.www, pkg: flags.pkg });

    // Scripts wait for the "listening on" line and read the URL from it.
    println!("auth-devserver: local development server, not for production");
    if default_secret {
        println!("warning: GOTRUE_JWT_SECRET is not set; using the public default secret (loopback only)");
    }
    if !dev_endpoints {
        println!("dev endpoints: off");
    }
    println!("anon key: {anon_key}");
    println!("service_role key: {service_key}");
    println!("wacht api key: {wacht_key}");
    println!("database: {}", flags.db);
    println!("listening on http://{}:{port}", flags.host);

    // Without TCP_NODELAY a response written in two parts (headers, then a file body) waits on
    // the client's delayed ACK: about 40 ms per static file on loopback.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    // The peer address keys the per-IP verification limit.
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    println!("auth-devserver: stopped");
}
