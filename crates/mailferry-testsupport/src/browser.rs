//! A stand-in for the system browser: loads the sign-in page, fills in the form as a person
//! would (user name, password, Accept or Cancel) and follows the redirect to Mailferry's
//! loopback listener. Works on entra-sim's pages, the demo's included.

use mailferry_core::identity::signin::Browser;

pub struct FormBrowser {
    pub user: String,
    pub password: String,
    pub accept: bool,
}

impl FormBrowser {
    /// Signs in as `user` with the password of every test and demo account, and accepts.
    pub fn accepting(user: &str) -> FormBrowser {
        FormBrowser { user: user.into(), password: "Passw0rd!".into(), accept: true }
    }

    /// Fills in the sign-in form and delivers the redirect to `localhost` as `host`.
    pub fn drive(&self, url: &str, host: &'static str) -> mailferry_core::Result<()> {
        let (url, user, password, accept) = (url.to_owned(), self.user.clone(), self.password.clone(), self.accept);
        tokio::spawn(async move {
            let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
            let page = client.get(&url).send().await.unwrap().text().await.unwrap();
            let base = url.split('/').take(3).collect::<Vec<_>>().join("/");
            let form_tag = &page[page.find("<form").unwrap()..];
            let action = attribute(form_tag, "action").unwrap();
            let mut fields: Vec<(String, String)> = page
                .split("<input")
                .skip(1)
                .filter(|tag| tag.contains("type=\"hidden\""))
                .filter_map(|tag| Some((attribute(tag, "name")?, attribute(tag, "value").unwrap_or_default())))
                .collect();
            fields.push(("username".into(), user));
            fields.push(("password".into(), password));
            fields.push(("action".into(), if accept { "accept" } else { "cancel" }.into()));
            let answer = client.post(format!("{base}{action}")).form(&fields).send().await.unwrap();
            let location =
                answer.headers()["location"].to_str().unwrap().replace("http://localhost:", &format!("http://{host}:"));
            // The redirect lands on Mailferry's loopback listener, as in a real browser.
            let _ = client.get(location).send().await;
        });
        Ok(())
    }
}

impl Browser for FormBrowser {
    fn open(&self, url: &str) -> mailferry_core::Result<()> {
        self.drive(url, "localhost")
    }
}

fn decode_attribute(value: &str) -> String {
    value.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The value of `name="..."` in one tag.
pub fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = tag[start..].find('"')? + start;
    Some(decode_attribute(&tag[start..end]))
}
