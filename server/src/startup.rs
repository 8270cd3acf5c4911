//! Builds the application: folders, keys, database, assets, routes and layers; then serves it until shutdown.

use crate::{
    applications::{
        documents::{self, Uploads, UPLOAD_BODY_LIMIT},
        port::CitizenApplications,
    },
    assets::StaticAssets,
    auth::{port::CitizenSignIn, tokens::SessionTokens},
    booking::{
        port::CitizenBookings,
        printouts::{self, Printouts},
        sweep,
    },
    config::Config,
    db::{Db, DbError},
    documents::{inspect::Inspector, store::DocumentStore},
    http::{cache, client, csrf, health, islands, landing, metrics, security},
    keys::{self, KeyError},
    notify::{worker, Notifier, NotifyError},
};
use app::{
    api::ports::{Applications, AssetUrls, Bookings, SignIn, SiteSettings},
    shell, App,
};
use axum::{
    body::Body,
    extract::{DefaultBodyLimit, FromRef, Request, State},
    http::{header, HeaderValue},
    middleware,
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use secrecy::ExposeSecret;
use std::{future::Future, net::SocketAddr, sync::Arc};
use tokio::net::TcpListener;

/// How long a citizen's session lasts.
pub const CITIZEN_SESSION_SECS: i64 = 12 * 60 * 60;
/// A citizen's session also ends after this long without a request.
pub const CITIZEN_IDLE_SECS: i64 = 30 * 60;

/// The name cargo-leptos gives the WASM, JS and CSS bundle (`output-name` in `Cargo.toml`).
pub const OUTPUT_NAME: &str = "portal";

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub assets: Arc<StaticAssets>,
    pub metrics: Arc<metrics::Metrics>,
    pub sign_in: SignIn,
    pub applications: Applications,
    pub uploads: Arc<Uploads>,
    pub bookings: Bookings,
    pub printouts: Arc<Printouts>,
    pub staff: crate::staff::StaffState,
    pub afis: crate::afis::AfisState,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("could not create the folder {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Db(#[from] DbError),
    /// The master key differs from the one the database's other nodes use (its fingerprint, `keys::fingerprint`).
    #[error(
        "this node's session key ({which}) differs from the key the other nodes of this database use; every node \
         of one database needs the same key: set SESSION_SIGNING_KEY on every node to the same value (a node that \
         generated its key keeps it in DATA_DIR/keys/session.key). This node did not start (it applied any \
         pending migrations of the shared database, as every node does, and wrote nothing else)."
    )]
    KeyMismatch { which: String },
    #[error("could not compare the session key with the other nodes': {0}")]
    KeyCheck(#[source] sqlx::Error),
    #[error("could not seal the TOTP seeds stored in clear: {0}")]
    Seeds(#[source] sqlx::Error),
    #[error("could not set up the mail server: {0}")]
    Notify(#[from] NotifyError),
    #[error("could not open the document store: {0}")]
    Store(String),
    #[error("could not read the built assets: {0}")]
    Assets(std::io::Error),
    #[error("could not listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("could not listen for metrics on {addr} (METRICS_ADDR; `off` turns that listener off): {source}")]
    MetricsBind { addr: SocketAddr, source: std::io::Error },
}

fn notifier(config: &Config) -> Result<Notifier, NotifyError> {
    Notifier::from_config(config)
}

fn outbox_worker(config: &Config, db: Db, notifier: Arc<Notifier>) -> worker::Worker {
    let settings = worker::Settings {
        lease_secs: config.outbox_lease_secs,
        retry_secs: config.outbox_retry_secs,
        ..worker::Settings::default()
    };
    worker::Worker::new(db, notifier, settings)
}

/// `server deliver`: only the outbox's delivery worker, until the process is stopped. For a site that wants its
/// messages sent by a process of their own (every server process also runs one).
pub async fn deliver(config: Config, until: impl Future<Output = ()>) -> Result<(), StartError> {
    let db = Db::connect(config.database_url.expose_secret()).await?;
    let notifier = Arc::new(notifier(&config)?);
    let worker = outbox_worker(&config, db, notifier);
    tracing::info!(worker = %worker.name, "delivering the outbox");
    tokio::select! {
        _ = worker.run() => {}
        _ = until => {}
    }
    Ok(())
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    /// The listener that serves only `/metrics` (`METRICS_ADDR`), and its router.
    metrics: Option<(TcpListener, Router)>,
    pub state: AppState,
    /// This process's staging folder, removed when the application is dropped or stops serving.
    staging: crate::documents::staging::ProcessStaging,
}

impl Application {
    pub async fn build(config: Config) -> Result<Application, StartError> {
        // The data folder is the portal's alone: folders 0700 (and, with the umask `main` sets, files 0600).
        for dir in [&config.data_dir, &config.upload_dir] {
            keys::private_dir(dir).map_err(|source| StartError::Folder {
                path: dir.display().to_string(),
                source,
            })?;
        }
        // The master key: SESSION_SIGNING_KEY or the generated `keys/session.key`. Nothing uses it directly; each
        // purpose has its own key derived from it (`keys::derive`).
        let session_key =
            keys::load_or_generate(config.session_key.as_ref(), &config.data_dir.join("keys"), "session")?;
        let totp_seed_key = Arc::new(keys::derive(&session_key, keys::purpose::TOTP_SEED));
        let db = Db::connect(config.database_url.expose_secret()).await?;
        // Every node of one database must hold the same master key: a code sent by one would fail on another,
        // and so would its sessions. The first node records the key's fingerprint; another key is refused before
        // anything is written with it (the TOTP seeds below).
        let recorded = db
            .agree_on_key(&keys::fingerprint(&session_key), crate::auth::now())
            .await
            .map_err(StartError::KeyCheck)?;
        if recorded != keys::fingerprint(&session_key) {
            let which = if config.session_key.is_some() {
                "SESSION_SIGNING_KEY".to_owned()
            } else {
                format!(
                    "generated into {} because SESSION_SIGNING_KEY is not set",
                    config.data_dir.join("keys").join("session.key").display()
                )
            };
            return Err(StartError::KeyMismatch { which });
        }
        // TOTP seeds stored in clear by an older version are sealed once; afterwards this finds none.
        let sealed = crate::db::staff::seal_clear_seeds(&db, &totp_seed_key)
            .await
            .map_err(StartError::Seeds)?;
        if sealed > 0 {
            tracing::info!(seeds = sealed, "sealed the TOTP seeds stored in clear");
        }
        let assets = StaticAssets::load(&config.site_root).map_err(StartError::Assets)?;
        let listener = TcpListener::bind(config.site_addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.site_addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.site_addr,
            source,
        })?;
        let metrics_listener = match config.metrics_addr {
            None => None,
            Some(metrics_addr) => {
                Some(
                    TcpListener::bind(metrics_addr)
                        .await
                        .map_err(|source| StartError::MetricsBind {
                            addr: metrics_addr,
                            source,
                        })?,
                )
            }
        };

        let leptos_options = LeptosOptions::builder()
            .output_name(OUTPUT_NAME)
            .site_root(config.site_root.display().to_string())
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .env(leptos::config::Env::PROD)
            .hash_files(hash_file_present())
            .build();
        let session_key = Arc::new(session_key);
        let notifier = Arc::new(notifier(&config)?);
        if config.outbox_worker {
            outbox_worker(&config, db.clone(), notifier.clone()).spawn();
        }
        let tokens = Arc::new(SessionTokens::citizen(
            &keys::derive(&session_key, keys::purpose::CITIZEN_SESSION),
            &config.public_base_url,
            CITIZEN_SESSION_SECS,
            CITIZEN_IDLE_SECS,
        ));
        let sign_in: SignIn = Arc::new(CitizenSignIn {
            db: db.clone(),
            code_key: Arc::new(keys::derive(&session_key, keys::purpose::CODE_HASH)),
            client_key: Arc::new(keys::derive(&session_key, keys::purpose::CLIENT_TAG)),
            tokens: tokens.clone(),
            notifier,
        });
        let applications: Applications = Arc::new(CitizenApplications {
            db: db.clone(),
            tokens: tokens.clone(),
        });
        let store = DocumentStore::from_url(config.upload_store.as_deref().unwrap_or(""), &config.upload_dir)
            .map_err(|e| StartError::Store(e.to_string()))?;
        // A staging folder of this process's own, removed at shutdown; what dead processes left is removed once
        // no process can be using it (see `ProcessStaging::create`). Others sharing the data folder keep theirs.
        let staging_root = config.data_dir.join("staging");
        let staging =
            crate::documents::staging::ProcessStaging::create(&staging_root, crate::documents::staging::LEFTOVER_AGE)
                .map_err(|source| StartError::Folder {
                path: staging_root.display().to_string(),
                source,
            })?;
        let staging_dir = staging.path().to_owned();
        let bookings: Bookings = Arc::new(CitizenBookings { db: db.clone() });
        let store = Arc::new(store);
        let staff = crate::staff::StaffState {
            db: db.clone(),
            tokens: Arc::new(SessionTokens::staff(
                &keys::derive(&session_key, keys::purpose::STAFF_SESSION),
                &config.public_base_url,
                crate::staff::SESSION_SECS,
                crate::staff::IDLE_SECS,
            )),
            store: store.clone(),
            seeds: totp_seed_key,
            secure_cookies: config.is_https(),
            stylesheet: assets
                .find("/pkg", OUTPUT_NAME, ".css")
                .unwrap_or_else(|| format!("/pkg/{OUTPUT_NAME}.css")),
            public_base_url: config.public_base_url.clone(),
            client_tag_key: Arc::new(keys::derive(&session_key, keys::purpose::CLIENT_TAG)),
        };
        let printouts = Arc::new(Printouts {
            db: db.clone(),
            tokens: tokens.clone(),
            secure_cookies: config.is_https(),
        });
        sweep::spawn(db.clone());
        crate::auth::sweep::spawn(db.clone());
        crate::documents::orphans::spawn(
            db.clone(),
            store.clone(),
            std::time::Duration::from_secs(config.upload_sweep_grace_secs.unsigned_abs()),
        );
        // The seal of the flash cookie (a refused form's state), for server functions and the upload route.
        let flash: app::api::ports::Flash = Arc::new(crate::http::cookies::SealedFlash::new(&session_key));
        let uploads = Arc::new(Uploads {
            db: db.clone(),
            tokens,
            store,
            inspector: Inspector::new(1),
            staging_dir,
            secure_cookies: config.is_https(),
            flash,
        });
        let afis = crate::afis::AfisState::new(db.clone(), config.afis.as_ref());
        let state = AppState {
            leptos_options,
            db,
            assets: Arc::new(assets),
            metrics: Arc::default(),
            sign_in,
            applications,
            uploads,
            bookings,
            printouts,
            staff,
            afis,
        };
        let router = router(&config, &own_origin(&config, addr), state.clone());
        let metrics = metrics_listener.map(|l| (l, metrics::listener_router(state.metrics.clone())));
        Ok(Application {
            listener,
            router,
            metrics,
            state,
            staging,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// The address the metrics listener is bound to, if there is one (`METRICS_ADDR`).
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|(l, _)| l.local_addr().ok())
    }

    /// Serves until `shutdown` completes, then finishes the requests under way. Each request knows the address
    /// of the peer that sent it (see `http::client`).
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        use axum::serve::ListenerExt;
        // Without TCP_NODELAY, small responses on a keep-alive connection wait for Nagle's algorithm (~40 ms).
        let listener = self.listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        // The metrics listener stops with the main one; dropping `stop` (on any exit) tells it.
        let (stop, stopped) = tokio::sync::watch::channel(());
        let metrics = self.metrics.map(|(listener, router)| {
            let mut stopped = stopped;
            tokio::spawn(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.changed().await;
                    })
                    .await
            })
        });
        let served = axum::serve(
            listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            drop(stop);
        })
        .await;
        if let Some(metrics) = metrics {
            metrics.await.map_err(std::io::Error::other)??;
        }
        // The requests are over: nothing is received into the staging folder any more.
        drop(self.staging);
        served
    }
}

/// cargo-leptos writes the content hashes of the bundle next to the server binary.
fn hash_file_present() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt").exists()))
        .unwrap_or(false)
}

/// The portal's own origin, for the cross-site check: that of `PUBLIC_BASE_URL`. Left at its default
/// (`http://$LEPTOS_SITE_ADDR`) on port 0, the port is only known once bound: then it is the bound address.
fn own_origin(config: &Config, bound: SocketAddr) -> String {
    if config.site_addr.port() == 0 && config.public_base_url == format!("http://{}", config.site_addr) {
        format!("http://{bound}")
    } else {
        config.public_base_url.clone()
    }
}

fn router(config: &Config, own_origin: &str, state: AppState) -> Router {
    let site = SiteSettings {
        secure_cookies: config.is_https(),
    };
    let stylesheet = state
        .assets
        .find("/pkg", OUTPUT_NAME, ".css")
        .unwrap_or_else(|| format!("/pkg/{OUTPUT_NAME}.css"));
    let urls = AssetUrls { stylesheet };
    let db = state.db.clone();
    let sign_in = state.sign_in.clone();
    let applications = state.applications.clone();
    let bookings = state.bookings.clone();
    let flash = state.uploads.flash.clone();
    // Everything a page or server function may need, provided on every request.
    let context = move || {
        provide_context(site.clone());
        provide_context(flash.clone());
        provide_context(urls.clone());
        provide_context(db.clone());
        provide_context(sign_in.clone());
        provide_context(applications.clone());
        provide_context(bookings.clone());
        if let (Some(nonce), Some(response)) = (
            leptos::nonce::use_nonce(),
            use_context::<leptos_axum::ResponseOptions>(),
        ) {
            if let Ok(policy) = HeaderValue::from_str(&security::page_policy(&nonce)) {
                response.insert_header(header::CONTENT_SECURITY_POLICY, policy);
            }
        }
    };
    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    let not_found = leptos_axum::file_and_error_handler_with_context::<AppState, _>(context.clone(), shell);

    let mut routes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/pkg/{*file}", get(serve_asset))
        .leptos_routes_with_context(&state, routes, context, move || shell(leptos_options.clone()))
        .fallback(move |State(state): State<AppState>, request: Request<Body>| {
            let not_found = not_found.clone();
            async move {
                match state.assets.respond(request.uri().path(), request.headers()) {
                    Some(response) => response,
                    None => {
                        let uri = request.uri().clone();
                        not_found(uri, State(state), request).await
                    }
                }
            }
        })
        .route("/berkas/{application}/{document}", get(documents::download))
        .route("/formulir/{application}", get(printouts::form))
        .route("/kalender/{application}", get(printouts::calendar))
        .merge(crate::staff::router(state.staff.clone()))
        .merge(crate::afis::router(state.afis.clone()));
    // The numbers are served on a listener of their own; here only to a bearer of the token, if there is one.
    if let Some(token) = &config.metrics_token {
        routes = routes.route(
            "/metrics",
            get(metrics::expose).layer(middleware::from_fn_with_state(
                metrics::Token::new(token),
                metrics::require_token,
            )),
        );
    }
    routes
        // Pages without an island carry no script at all (innermost: the landing page's cache keeps the result).
        .route_layer(middleware::from_fn(islands::strip_empty_hydration_data))
        // The landing page, rendered once per language (inside the route's label, so it is counted as `/`).
        .route_layer(middleware::from_fn_with_state(
            Arc::new(landing::LandingCache::default()),
            landing::serve,
        ))
        .route_layer(middleware::from_fn(metrics::label_route))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(config.max_body_bytes))
        // Added after the general body limit so that it has its own: a scan may be 10 MB.
        .route(
            "/unggah/{application}",
            post(documents::upload)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
                .layer(middleware::from_fn(metrics::label_route)),
        )
        // The edge, innermost first; each layer's answer passes through the ones after it.
        .layer(middleware::from_fn_with_state(
            Arc::new(csrf::SameOrigin::new(own_origin)),
            csrf::refuse_cross_site,
        ))
        .layer(middleware::from_fn(cache::no_store_by_default))
        .layer(middleware::from_fn_with_state(
            security::SecurityHeaders {
                hsts: config.is_https(),
            },
            security::security_headers,
        ))
        .layer(cache::compression())
        .layer(middleware::from_fn_with_state(
            Arc::new(config.trusted_proxies.clone()),
            client::client_address,
        ))
        .layer(middleware::from_fn_with_state(state.metrics.clone(), metrics::track))
        .with_state(state)
}

async fn serve_asset(State(assets): State<Arc<StaticAssets>>, request: Request<Body>) -> Response {
    assets
        .respond(request.uri().path(), request.headers())
        .unwrap_or_else(|| axum::http::StatusCode::NOT_FOUND.into_response())
}
