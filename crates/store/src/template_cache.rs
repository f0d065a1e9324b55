//! Templates kept in memory for the action path: every tap needs its template to word the
//! cards, and templates change rarely. An edit through this process drops the entry at
//! once; another replica's edit is picked up within [`FRESH_FOR`] or as soon as an
//! instance planned with a newer version asks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::{Store, StoreError, StoredTemplate};
use domain::approval::Template;

/// How long a cached template is trusted without asking the database.
pub const FRESH_FOR: Duration = Duration::from_secs(30);

struct Entry {
    version: i64,
    template: Arc<Template>,
    loaded: Instant,
}

/// Templates by code, each with the version it was read at.
#[derive(Default)]
pub struct TemplateCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl std::fmt::Debug for TemplateCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemplateCache")
            .field("templates", &self.lock().len())
            .finish()
    }
}

impl TemplateCache {
    /// The template `code` at `min_version` or later; `None` when the store has none.
    pub async fn get(
        &self,
        store: &Store,
        code: &str,
        min_version: i64,
    ) -> Result<Option<Arc<Template>>, StoreError> {
        if let Some(hit) = self.fresh(code, min_version) {
            return Ok(Some(hit));
        }
        let Some(stored) = store.approvals().template(code).await? else {
            return Ok(None);
        };
        Ok(Some(self.remember(stored)))
    }

    /// Keeps a template just read (a submission reads it fresh anyway).
    pub fn remember(&self, stored: StoredTemplate) -> Arc<Template> {
        let template = Arc::new(stored.template);
        let entry = Entry {
            version: stored.version,
            template: template.clone(),
            loaded: Instant::now(),
        };
        self.lock().insert(template.code.clone(), entry);
        template
    }

    /// Drops `code` after an edit in this process.
    pub fn forget(&self, code: &str) {
        self.lock().remove(code);
    }

    fn fresh(&self, code: &str, min_version: i64) -> Option<Arc<Template>> {
        self.lock()
            .get(code)
            .filter(|e| e.version >= min_version && e.loaded.elapsed() < FRESH_FOR)
            .map(|e| e.template.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // A panic while holding the lock cannot leave the map half-written.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(version: i64, name: &str) -> StoredTemplate {
        let mut template = domain::approval::builtin::leave();
        template.name = name.into();
        StoredTemplate {
            template,
            version,
            enabled: true,
        }
    }

    #[test]
    fn a_hit_needs_the_version_and_freshness() {
        let cache = TemplateCache::default();
        let code = cache.remember(stored(2, "请假")).code.clone();
        assert_eq!(
            cache.fresh(&code, 2).map(|t| t.name.clone()),
            Some("请假".into())
        );
        assert!(
            cache.fresh(&code, 3).is_none(),
            "planned with a newer version"
        );
        cache.forget(&code);
        assert!(cache.fresh(&code, 1).is_none());
    }
}
