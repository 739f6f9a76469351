//! digest turns the engineering blogs of many companies into a daily
//! newsletter, published as a static site with feeds and emails.
//!
//! The pipeline has four phases, each a module and a subcommand:
//! [`fetch`] reads the feeds of `sources.toml` into `content/items/`,
//! [`compose`] writes each day's edition into `content/issues/`, and
//! [`render`] turns content into `public/`; `build` runs all three.

pub mod cache;
pub mod cli;
pub mod company;
pub mod compose;
pub mod config;
pub mod content;
pub mod dates;
pub mod fetch;
pub mod frontmatter;
pub mod hash;
pub mod health;
pub mod html;
pub mod identity;
pub mod item;
pub mod layout;
pub mod lock;
pub mod progress;
pub mod render;
pub mod slug;
pub mod store;
pub mod text;
