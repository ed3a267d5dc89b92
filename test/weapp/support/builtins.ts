/**
 * miniprogram-simulate registers WeChat's built-in components (<image>, <button>, …) as bare slots
 * that drop their attributes. The few a test reads are registered again with their real property
 * names, each reflected onto the DOM node as an attribute (src, disabled, value, …).
 */
type Register = (definition: Record<string, unknown>) => unknown

const OBSERVED: Record<string, Record<string, StringConstructor | BooleanConstructor>> = {
  image: { src: String, mode: String },
  button: { disabled: Boolean, loading: Boolean, openType: String },
  input: { value: String, placeholder: String, type: String },
  textarea: { value: String, placeholder: String },
}

export function registerObservedBuiltins(register: Register): void {
  for (const [name, props] of Object.entries(OBSERVED)) {
    const properties = Object.fromEntries(
      Object.entries(props).map(([prop, type]) => [
        prop,
        {
          type,
          value: type === Boolean ? false : '',
          observer(this: { _exparserNode: { $$: HTMLElement } }, value: unknown) {
            const attr = prop.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
            this._exparserNode.$$.setAttribute(attr, String(value ?? ''))
          },
        },
      ]),
    )
    register({ id: name, tagName: `wx-${name}`, template: '<slot/>', properties })
  }
}
