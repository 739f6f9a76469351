//! A site's content, read once per run: the front matter of every item and
//! every edition. `digest build` reads it after fetching and hands the same
//! content to composing and rendering.

use anyhow::Result;

use crate::compose::edition::{self, Edition};
use crate::config::Config;
use crate::layout::Layout;
use crate::store::ItemStore;

/// Items and editions, with the files that could not be read.
pub struct Content {
    /// The items (their front matter).
    pub store: ItemStore,
    /// The editions, oldest first.
    pub editions: Vec<Edition>,
    /// Item files that could not be read.
    pub item_problems: Vec<anyhow::Error>,
    /// Edition files that could not be read.
    pub edition_problems: Vec<anyhow::Error>,
}

impl Content {
    /// Reads the content of the site at `layout`, through the caches of `.digest/`.
    pub fn load(layout: &Layout, config: &Config) -> Result<Content> {
        let started = std::time::Instant::now();
        // Items and editions are read side by side.
        let (items, editions) = rayon::join(
            || {
                ItemStore::load_cached(
                    &layout.items_dir(),
                    config.site.timezone,
                    &layout.item_cache(),
                )
            },
            || edition::load_all_cached(&layout.editions_dir(), &layout.edition_cache()),
        );
        let ((store, item_problems), (editions, edition_problems)) = (items?, editions?);
        tracing::debug!(
            "read {} items and {} editions in {} ms",
            store.items().len(),
            editions.len(),
            started.elapsed().as_millis()
        );
        Ok(Content {
            store,
            editions,
            item_problems,
            edition_problems,
        })
    }
}
