//! A small, hardened XML reader for WeCom payloads.
//!
//! WeCom's XML is a shallow tree of elements whose values come with or without CDATA and
//! sometimes padded with newlines. We read it into [`Element`]s with quick-xml and refuse
//! anything a legitimate payload never has: a DTD (so no entity expansion attacks), unknown
//! entities, deep nesting, huge element counts or oversized input.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde::{Deserialize, Serialize};

/// Nesting deeper than this is never produced by WeCom (approval events reach about 6).
const MAX_DEPTH: usize = 32;
/// Upper bound on elements, so a flat flood of tiny tags cannot exhaust memory.
const MAX_ELEMENTS: usize = 100_000;

/// One XML element: its name, its trimmed text (CDATA and plain text joined) and children.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Element {
    /// Element name as written (WeCom is inconsistent about case, e.g. `UserID`/`UserId`).
    pub name: String,
    /// Text content with surrounding whitespace removed; empty for pure containers.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// Child elements in document order; repeated names are kept as repeated entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Element>,
}

/// Why a payload was not accepted as XML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// Input exceeded the size cap.
    #[error("xml of {size} bytes exceeds the {limit}-byte limit")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The cap.
        limit: usize,
    },
    /// A DTD, an unknown entity, or too deep / too many elements.
    #[error("xml refused: {0}")]
    Refused(&'static str),
    /// Not well-formed XML.
    #[error("malformed xml: {0}")]
    Malformed(String),
}

impl Element {
    /// First child whose name matches `name` ignoring ASCII case.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// All children whose name matches `name` ignoring ASCII case.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children
            .iter()
            .filter(move |c| c.name.eq_ignore_ascii_case(name))
    }

    /// Text of the first child named `name`, if present (possibly empty).
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }
}

/// A parsed document: every element in one arena, names and (where possible) text
/// borrowed from the input.
///
/// A tree of individually allocated nodes cost two allocations per element, which
/// dominated callback handling in the benchmark; events copy only the fields they keep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Doc<'a> {
    slots: Vec<Slot<'a>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Slot<'a> {
    name: &'a str,
    text: Cow<'a, str>,
    first_child: Option<usize>,
    next_sibling: Option<usize>,
}

impl<'a> Doc<'a> {
    /// The root element.
    pub(crate) fn root(&self) -> Node<'_, 'a> {
        Node { doc: self, idx: 0 }
    }
}

/// One element of a [`Doc`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node<'d, 'a> {
    doc: &'d Doc<'a>,
    idx: usize,
}

impl<'d, 'a> Node<'d, 'a> {
    fn slot(self) -> &'d Slot<'a> {
        &self.doc.slots[self.idx]
    }

    /// The element's name.
    pub(crate) fn name(self) -> &'d str {
        self.slot().name
    }

    /// The element's trimmed text.
    pub(crate) fn text(self) -> &'d str {
        &self.slot().text
    }

    /// Child elements in document order.
    pub(crate) fn children(self) -> impl Iterator<Item = Node<'d, 'a>> {
        let doc = self.doc;
        std::iter::successors(self.slot().first_child, move |&i| doc.slots[i].next_sibling)
            .map(move |idx| Node { doc, idx })
    }

    /// First child whose name matches `name` ignoring ASCII case.
    pub(crate) fn child(self, name: &str) -> Option<Node<'d, 'a>> {
        self.children()
            .find(|c| c.name().eq_ignore_ascii_case(name))
    }

    /// All children whose name matches `name` ignoring ASCII case.
    pub(crate) fn children_named<'n>(
        self,
        name: &'n str,
    ) -> impl Iterator<Item = Node<'d, 'a>> + use<'d, 'a, 'n> {
        self.children()
            .filter(move |c| c.name().eq_ignore_ascii_case(name))
    }

    /// Text of the first child named `name`, if present (possibly empty).
    pub(crate) fn text_of(self, name: &str) -> Option<&'d str> {
        self.child(name).map(Node::text)
    }

    /// An owned copy, for keeping unknown payloads whole.
    pub(crate) fn to_element(self) -> Element {
        Element {
            name: self.name().to_owned(),
            text: self.text().to_owned(),
            children: self.children().map(Node::to_element).collect(),
        }
    }
}

/// Collects an element's text segments, trimming as it goes so that the common case (one
/// CDATA or text segment padded by whitespace) stays borrowed from the input.
#[derive(Default)]
struct TextBuf<'a> {
    text: Cow<'a, str>,
    /// Whitespace seen after non-blank text; kept only if more text follows.
    pending: Option<Cow<'a, str>>,
}

impl<'a> TextBuf<'a> {
    fn push(&mut self, segment: Cow<'a, str>) {
        let blank = segment.trim().is_empty();
        if self.text.is_empty() {
            if !blank {
                self.text = trim_start(segment);
            }
        } else if blank {
            match &mut self.pending {
                Some(p) => p.to_mut().push_str(&segment),
                None => self.pending = Some(segment),
            }
        } else {
            let text = self.text.to_mut();
            if let Some(pending) = self.pending.take() {
                text.push_str(&pending);
            }
            text.push_str(&segment);
        }
    }

    fn finish(self) -> Cow<'a, str> {
        trim_end(self.text)
    }
}

fn trim_start(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim_start()),
        Cow::Owned(s) if s.trim_start().len() == s.len() => Cow::Owned(s),
        Cow::Owned(s) => Cow::Owned(s.trim_start().to_owned()),
    }
}

fn trim_end(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim_end()),
        Cow::Owned(mut s) => {
            s.truncate(s.trim_end().len());
            Cow::Owned(s)
        }
    }
}

/// An element still open while parsing: its slot, its text so far, its last child.
struct Open<'a> {
    idx: usize,
    text: TextBuf<'a>,
    last_child: Option<usize>,
}

/// Parses `input` (at most `limit` bytes) into a document.
pub(crate) fn parse(input: &[u8], limit: usize) -> Result<Doc<'_>, XmlError> {
    if input.len() > limit {
        return Err(XmlError::TooLarge {
            size: input.len(),
            limit,
        });
    }
    let text = std::str::from_utf8(input).map_err(|_| XmlError::Malformed("not utf-8".into()))?;
    let mut reader = Reader::from_str(text);
    let mut doc = Doc {
        // WeCom payloads average about one element per 25 bytes.
        slots: Vec::with_capacity(input.len() / 25 + 4),
    };
    let mut stack: Vec<Open<'_>> = Vec::with_capacity(8);
    let mut closed_root = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| XmlError::Malformed(e.to_string()))?;
        match event {
            Event::Start(start) => {
                open(&mut doc, &mut stack, closed_root, tag_name(text, &start)?)?;
            }
            Event::Empty(start) => {
                open(&mut doc, &mut stack, closed_root, tag_name(text, &start)?)?;
                closed_root |= close(&mut doc, &mut stack);
            }
            // quick-xml has already checked that the end tag matches the open one.
            Event::End(_) => closed_root |= close(&mut doc, &mut stack),
            Event::Text(t) => append_text(&mut stack, utf8(text, t.into_inner())?)?,
            Event::CData(c) => append_text(&mut stack, utf8(text, c.into_inner())?)?,
            Event::GeneralRef(r) => {
                let resolved = resolve_reference(&r)?;
                append_text(&mut stack, Cow::Owned(resolved.to_string()))?;
            }
            Event::DocType(_) => return Err(XmlError::Refused("a DTD is not allowed")),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(XmlError::Malformed("unclosed element".into()));
    }
    if doc.slots.is_empty() {
        return Err(XmlError::Malformed("no root element".into()));
    }
    Ok(doc)
}

/// Checks, without building anything, that `input` (at most `limit` bytes) is one
/// well-formed UTF-8 XML document whose root element is named `root`: no DTD, no entity
/// but the five predefined ones and character references, no deep nesting, no flood of
/// elements, nothing but whitespace outside the root.
///
/// One streaming quick-xml pass that allocates nothing per element. A DOCTYPE is refused
/// when it is read, before any entity it declares could be used, and quick-xml never
/// expands entities itself, so "billion laughs" and external entities cost nothing.
pub(crate) fn check(input: &[u8], limit: usize, root: &str) -> Result<(), XmlError> {
    if input.len() > limit {
        return Err(XmlError::TooLarge {
            size: input.len(),
            limit,
        });
    }
    let text = std::str::from_utf8(input).map_err(|_| XmlError::Malformed("not utf-8".into()))?;
    let mut reader = Reader::from_str(text);
    let mut depth = 0usize;
    let mut elements = 0usize;
    let mut closed_root = false;
    let outside = |depth: usize| {
        if depth == 0 {
            Err(XmlError::Malformed("text outside the root element".into()))
        } else {
            Ok(())
        }
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|e| XmlError::Malformed(e.to_string()))?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                if closed_root {
                    return Err(XmlError::Malformed("content after the root element".into()));
                }
                if depth == 0 && start.name().as_ref() != root.as_bytes() {
                    return Err(XmlError::Refused("unexpected root element"));
                }
                elements += 1;
                if elements > MAX_ELEMENTS {
                    return Err(XmlError::Refused("too many elements"));
                }
                if depth >= MAX_DEPTH {
                    return Err(XmlError::Refused("nesting too deep"));
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                } else {
                    closed_root |= depth == 0;
                }
            }
            Event::End(_) => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| XmlError::Malformed("unmatched end tag".into()))?;
                closed_root |= depth == 0;
            }
            Event::Text(t) => {
                if !t.iter().all(u8::is_ascii_whitespace) {
                    outside(depth)?;
                }
            }
            Event::CData(_) => outside(depth)?,
            Event::GeneralRef(r) => {
                resolve_reference(&r)?;
                outside(depth)?;
            }
            Event::DocType(_) => return Err(XmlError::Refused("a DTD is not allowed")),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if depth != 0 {
        return Err(XmlError::Malformed("unclosed element".into()));
    }
    if !closed_root {
        return Err(XmlError::Malformed("no root element".into()));
    }
    Ok(())
}

/// Text bytes as `&str`. A str reader borrows them from the input, which is already known
/// to be UTF-8, so re-slicing the input skips a second validation pass.
fn utf8<'a>(input: &'a str, bytes: Cow<'a, [u8]>) -> Result<Cow<'a, str>, XmlError> {
    let bad = || XmlError::Malformed("not utf-8".into());
    match bytes {
        Cow::Borrowed(b) => subslice(input, b).map(Cow::Borrowed).ok_or_else(bad),
        Cow::Owned(b) => String::from_utf8(b).map(Cow::Owned).map_err(|_| bad()),
    }
}

/// `part` (a slice of `input`'s bytes) as a `&str` of `input`, found by address.
fn subslice<'a>(input: &'a str, part: &[u8]) -> Option<&'a str> {
    let offset = (part.as_ptr() as usize).checked_sub(input.as_ptr() as usize)?;
    let found = input.get(offset..offset.checked_add(part.len())?)?;
    // Guards against `part` not being from `input` at all.
    (found.as_ptr() == part.as_ptr()).then_some(found)
}

/// The element name as a slice of the input.
///
/// quick-xml hands out tag bytes borrowed from the event, not from the input, so we find
/// the same bytes inside `input` by address: a str reader never copies them.
fn tag_name<'a>(input: &'a str, start: &BytesStart<'_>) -> Result<&'a str, XmlError> {
    subslice(input, start.name().into_inner())
        .ok_or_else(|| XmlError::Malformed("element name is not utf-8".into()))
}

fn open<'a>(
    doc: &mut Doc<'a>,
    stack: &mut Vec<Open<'a>>,
    closed_root: bool,
    name: &'a str,
) -> Result<(), XmlError> {
    if closed_root {
        return Err(XmlError::Malformed("content after the root element".into()));
    }
    if doc.slots.len() >= MAX_ELEMENTS {
        return Err(XmlError::Refused("too many elements"));
    }
    if stack.len() >= MAX_DEPTH {
        return Err(XmlError::Refused("nesting too deep"));
    }
    let idx = doc.slots.len();
    doc.slots.push(Slot {
        name,
        ..Slot::default()
    });
    if let Some(parent) = stack.last_mut() {
        match parent.last_child.replace(idx) {
            Some(previous) => doc.slots[previous].next_sibling = Some(idx),
            None => doc.slots[parent.idx].first_child = Some(idx),
        }
    }
    stack.push(Open {
        idx,
        text: TextBuf::default(),
        last_child: None,
    });
    Ok(())
}

/// Closes the innermost element; true when that was the root.
fn close<'a>(doc: &mut Doc<'a>, stack: &mut Vec<Open<'a>>) -> bool {
    let Some(open) = stack.pop() else {
        return false;
    };
    doc.slots[open.idx].text = open.text.finish();
    stack.is_empty()
}

fn append_text<'a>(stack: &mut [Open<'a>], text: Cow<'a, str>) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(open) => {
            open.text.push(text);
            Ok(())
        }
        // Whitespace around the root is fine; anything else is not XML.
        None if text.trim().is_empty() => Ok(()),
        None => Err(XmlError::Malformed("text outside the root element".into())),
    }
}

/// Only the five predefined entities and character references exist without a DTD.
fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Result<char, XmlError> {
    if let Some(c) = r
        .resolve_char_ref()
        .map_err(|e| XmlError::Malformed(e.to_string()))?
    {
        return Ok(c);
    }
    match r.as_ref() {
        b"amp" => Ok('&'),
        b"lt" => Ok('<'),
        b"gt" => Ok('>'),
        b"apos" => Ok('\''),
        b"quot" => Ok('"'),
        _ => Err(XmlError::Refused("unknown entity")),
    }
}

/// Writes `value` as CDATA, splitting any `]]>` so the section cannot be closed early.
pub(crate) fn push_cdata(out: &mut String, value: &str) {
    out.push_str("<![CDATA[");
    out.push_str(&value.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Element, XmlError> {
        parse(s.as_bytes(), 1 << 20).map(|d| d.root().to_element())
    }

    #[test]
    fn reads_cdata_and_bare_values_with_padding_whitespace() {
        let root = parse_str(
            "<xml><A><![CDATA[x]]></A>\n<B>\n  <![CDATA[ y ]]>\n</B><C>7</C><D/><E>a&amp;b&#x4e2d;</E></xml>",
        )
        .expect("valid xml");
        assert_eq!(root.name, "xml");
        assert_eq!(root.text_of("a"), Some("x"));
        assert_eq!(root.text_of("B"), Some("y"));
        assert_eq!(root.text_of("C"), Some("7"));
        assert_eq!(root.text_of("D"), Some(""));
        assert_eq!(root.text_of("E"), Some("a&b中"));
    }

    #[test]
    fn keeps_repeated_elements() {
        let root = parse_str("<xml><L><I>1</I><I>2</I></L></xml>").expect("valid xml");
        let items: Vec<_> = root
            .child("L")
            .expect("list")
            .children_named("I")
            .map(|e| e.text.clone())
            .collect();
        assert_eq!(items, ["1", "2"]);
    }

    #[test]
    fn refuses_dtd_entities_depth_and_size() {
        let dtd = "<!DOCTYPE x [<!ENTITY a \"b\">]><xml>&a;</xml>";
        assert_eq!(
            parse_str(dtd),
            Err(XmlError::Refused("a DTD is not allowed"))
        );
        assert_eq!(
            parse_str("<xml>&a;</xml>"),
            Err(XmlError::Refused("unknown entity"))
        );
        let deep = "<a>".repeat(40) + &"</a>".repeat(40);
        assert_eq!(parse_str(&deep), Err(XmlError::Refused("nesting too deep")));
        assert!(matches!(
            parse(b"<xml/>", 3).map(|d| d.root().to_element()),
            Err(XmlError::TooLarge { size: 6, limit: 3 })
        ));
    }

    #[test]
    fn rejects_malformed_input() {
        for bad in [
            "",
            "<xml>",
            "<xml></y>",
            "<a/><b/>",
            "text",
            "<xml>\u{0}",
            "\u{feff}",
        ] {
            assert!(parse_str(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn check_accepts_what_parse_accepts_with_the_right_root() {
        for good in [
            "<xml><A><![CDATA[x]]></A>\n<B>\n  <![CDATA[ y ]]>\n</B><C>7</C><D/><E>a&amp;b&#x4e2d;</E></xml>",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xml><!-- c --><A>1</A></xml>\n",
            "<xml/>",
        ] {
            assert_eq!(check(good.as_bytes(), 1 << 20, "xml"), Ok(()), "{good:?}");
            assert!(parse(good.as_bytes(), 1 << 20).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn check_refuses_what_a_message_never_has() {
        let refused = |s: &str| check(s.as_bytes(), 1 << 20, "xml");
        assert_eq!(
            refused("<!DOCTYPE x [<!ENTITY a \"b\">]><xml>&a;</xml>"),
            Err(XmlError::Refused("a DTD is not allowed"))
        );
        assert_eq!(
            refused("<xml>&a;</xml>"),
            Err(XmlError::Refused("unknown entity"))
        );
        assert_eq!(
            refused("<other><A>1</A></other>"),
            Err(XmlError::Refused("unexpected root element"))
        );
        let deep = "<xml>".to_owned() + &"<a>".repeat(40) + &"</a>".repeat(40) + "</xml>";
        assert_eq!(refused(&deep), Err(XmlError::Refused("nesting too deep")));
        let flood = "<xml>".to_owned() + &"<a/>".repeat(MAX_ELEMENTS) + "</xml>";
        assert_eq!(refused(&flood), Err(XmlError::Refused("too many elements")));
        assert!(matches!(
            check(b"<xml/>", 3, "xml"),
            Err(XmlError::TooLarge { size: 6, limit: 3 })
        ));
        for bad in [
            "",
            "   ",
            "<xml>",
            "<xml></y>",
            "</xml>",
            "<xml/><xml/>",
            "<xml></xml>trailing",
            "lead<xml></xml>",
            "text",
            "<xml>\u{0}",
            "\u{feff}",
            "&amp;<xml/>",
            "<![CDATA[x]]><xml/>",
            "{\"json\":true}",
        ] {
            assert!(refused(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn cdata_writer_escapes_terminator() {
        let mut out = String::new();
        push_cdata(&mut out, "a]]>b");
        let xml = format!("<x>{out}</x>");
        assert_eq!(parse_str(&xml).expect("valid").text, "a]]>b");
    }
}
