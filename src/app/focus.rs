//! The focus: what can take it on a screen, where the phone puts it, and moving it.

use super::*;

impl App {
    /// The focusable things of the current screen, top to bottom.
    pub fn targets(view: &ScreenView) -> Vec<Target> {
        let mut out = Vec::new();
        for item in &view.items {
            Self::item_targets(item, &mut out);
        }
        if view.footer.is_some() {
            out.push(Target::Footer);
        }
        out
    }

    /// The focusable things of one item.
    fn item_targets(item: &Item, out: &mut Vec<Target>) {
        let key = item.key.clone();
        match item.kind {
            Kind::RadioButtonsGroup | Kind::CheckboxGroup | Kind::ChipsSelector if item.enabled => {
                for option in item.list("data-source") {
                    if option.get("enabled") != Some(&Value::Bool(false))
                        && let Some(id) = option.get("id").map(flowsim_core::flow::expr::display)
                    {
                        out.push(Target::Option {
                            key: key.clone(),
                            id,
                        });
                    }
                }
            }
            Kind::OptIn => {
                out.push(Target::Field(key.clone()));
                if item.actions.contains_key("on-click-action") {
                    out.push(Target::ReadMore(key));
                }
            }
            Kind::EmbeddedLink => out.push(Target::Link(key)),
            Kind::NavigationList => {
                for li in item.list("list-items").into_iter().take(20) {
                    if let Some(id) = li.get("id").map(flowsim_core::flow::expr::display) {
                        out.push(Target::ListItem {
                            key: key.clone(),
                            id,
                        });
                    }
                }
            }
            Kind::ImageCarousel => out.push(Target::Field(key)),
            k if k.is_input() && item.enabled => out.push(Target::Field(key)),
            _ => {}
        }
    }

    /// Whether `target` is one of [`App::targets`], found from its own item alone: every
    /// keystroke asks, and the options of every list on the screen need not be listed.
    fn is_target(view: &ScreenView, target: &Target) -> bool {
        let Some(key) = Self::target_key(target) else {
            return view.footer.is_some();
        };
        view.items
            .iter()
            .find(|i| *i.key == *key)
            .is_some_and(|item| {
                let mut own = Vec::new();
                Self::item_targets(item, &mut own);
                own.contains(target)
            })
    }

    fn target_key(t: &Target) -> Option<&str> {
        match t {
            Target::Field(k) | Target::ReadMore(k) | Target::Link(k) => Some(k),
            Target::Option { key, .. } | Target::ListItem { key, .. } => Some(key),
            Target::Footer => None,
        }
    }

    /// The view item the focus is on.
    pub fn focused_item(&self) -> Option<Item> {
        self.focus.as_ref()?;
        self.focused_in(&self.view()).cloned()
    }

    /// The item of `view` (the current view) the focus is on.
    pub(super) fn focused_in<'v>(&self, view: &'v ScreenView) -> Option<&'v Item> {
        match self.focus.as_ref()? {
            Target::Footer => view.footer.as_ref(),
            t => {
                let key = Self::target_key(t)?;
                view.items.iter().find(|i| *i.key == *key)
            }
        }
    }

    /// Keeps the focus on something that exists: the same target if it is still there, else
    /// where the phone puts it on a new screen.
    pub(super) fn settle_focus_in(&mut self, view: &ScreenView) {
        if let Some(f) = &self.focus
            && Self::is_target(view, f)
        {
            return;
        }
        self.focus = Self::first_focus(view);
        self.editor = None;
        self.follow = true;
    }

    pub(super) fn move_focus(&mut self, delta: isize) {
        let targets = Self::targets(&self.view());
        if targets.is_empty() {
            return;
        }
        let at = self
            .focus
            .as_ref()
            .and_then(|f| targets.iter().position(|t| t == f));
        let next = match at {
            None => 0,
            Some(i) => (i as isize + delta).clamp(0, targets.len() as isize - 1) as usize,
        };
        self.focus = Some(targets[next].clone());
        self.editor = None;
        self.follow = true;
    }

    /// Where the phone puts the focus on a new screen: the first input, else the first thing
    /// that takes the focus.
    pub(super) fn first_focus(view: &ScreenView) -> Option<Target> {
        let targets = Self::targets(view);
        let is_input = |t: &Target| match t {
            Target::Field(key) | Target::Option { key, .. } => view
                .items
                .iter()
                .any(|i| i.key == *key && i.kind.is_input()),
            _ => false,
        };
        targets
            .iter()
            .find(|t| is_input(t))
            .or(targets.first())
            .cloned()
    }
}
