//! `#[guard(path::to::module)]`: the last line of EstateKit's "no panic crosses a
//! language boundary" rule, shared by the Python (PyO3) and mobile (UniFFI) bindings.
//!
//! Put it above `#[pyfunction]`, `#[pymethods] impl`, `#[uniffi::export] fn` or
//! `#[uniffi::export] impl`. Every function (every method of an impl block) gets its
//! body run under `std::panic::catch_unwind` by `module::catch`, which turns a panic
//! into the binding's typed internal error, `module::Error`:
//!
//! - a function returning `Result<T, E>` (or `PyResult<T>`) keeps its signature; a
//!   panic becomes `Err(E::from(module::Error))`;
//! - a function returning `T` (or nothing) now returns `Result<T, module::Error>`.
//!
//! The module provides `pub(crate) type Error` and
//! `pub(crate) fn catch<R>(f: impl FnOnce() -> R) -> Result<R, Error>`.

use proc_macro::TokenStream;
use quote::quote;
use syn::{
    Block, ImplItem, Item, Path, ReturnType, Signature, Type, parse_macro_input, parse_quote,
};

/// Wraps every function of the item so that a panic becomes the binding's typed
/// internal error (see the crate docs).
#[proc_macro_attribute]
pub fn guard(attr: TokenStream, item: TokenStream) -> TokenStream {
    let module = parse_macro_input!(attr as Path);
    let mut item = parse_macro_input!(item as Item);
    match &mut item {
        Item::Fn(f) => wrap(&module, &mut f.sig, &mut f.block),
        Item::Impl(imp) => {
            for it in &mut imp.items {
                if let ImplItem::Fn(f) = it {
                    wrap(&module, &mut f.sig, &mut f.block);
                }
            }
        }
        other => {
            return syn::Error::new_spanned(other, "#[guard] goes on a fn or an impl block")
                .to_compile_error()
                .into();
        }
    }
    quote!(#item).into()
}

fn is_result(ty: &Type) -> bool {
    let Type::Path(p) = ty else { return false };
    p.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "Result" || s.ident == "PyResult")
}

fn wrap(module: &Path, sig: &mut Signature, block: &mut Block) {
    let body = &block;
    let new_block: Block = match &sig.output {
        ReturnType::Type(_, ty) if is_result(ty) => parse_quote!({
            match #module::catch(|| -> #ty #body) {
                ::core::result::Result::Ok(result) => result,
                ::core::result::Result::Err(panic) => ::core::result::Result::Err(panic.into()),
            }
        }),
        ReturnType::Type(_, ty) => {
            let ty = ty.clone();
            sig.output = parse_quote!(-> ::core::result::Result<#ty, #module::Error>);
            parse_quote!({ #module::catch(|| -> #ty #body) })
        }
        ReturnType::Default => {
            sig.output = parse_quote!(-> ::core::result::Result<(), #module::Error>);
            parse_quote!({ #module::catch(|| #body) })
        }
    };
    *block = new_block;
}
