//! Typed reads from an [`Element`], with errors that name the offending field.

use std::str::FromStr;

use super::EventError;
use crate::xml::Node;

/// A present, non-empty, trimmed value.
pub(super) fn opt_str(el: Node<'_, '_>, name: &str) -> Option<String> {
    el.text_of(name)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

pub(super) fn req_str(el: Node<'_, '_>, name: &'static str) -> Result<String, EventError> {
    opt_str(el, name).ok_or(EventError::MissingField(name))
}

pub(super) fn opt_num<T: FromStr>(
    el: Node<'_, '_>,
    name: &'static str,
) -> Result<Option<T>, EventError> {
    match el.text_of(name).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| EventError::BadField(name)),
    }
}

pub(super) fn req_num<T: FromStr>(el: Node<'_, '_>, name: &'static str) -> Result<T, EventError> {
    opt_num(el, name)?.ok_or(EventError::MissingField(name))
}

/// A comma-separated list (`Department`, `AddUserItems`, …); absent means `None`.
pub(super) fn opt_list<T: FromStr>(
    el: Node<'_, '_>,
    name: &'static str,
) -> Result<Option<Vec<T>>, EventError> {
    match el.text_of(name) {
        None => Ok(None),
        Some(text) => split_list(text, name).map(Some),
    }
}

pub(super) fn split_list<T: FromStr>(text: &str, name: &'static str) -> Result<Vec<T>, EventError> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| item.parse().map_err(|_| EventError::BadField(name)))
        .collect()
}

/// Text of every element `outer/inner` (e.g. `PicList/item/PicMd5Sum`), in order.
pub(super) fn nested_texts(el: Node<'_, '_>, path: &[&str]) -> Vec<String> {
    let mut current = vec![el];
    for name in path {
        current = current
            .into_iter()
            .flat_map(|e| e.children_named(name))
            .collect();
    }
    current.into_iter().map(|e| e.text().to_owned()).collect()
}
