-- Rewrite links to .qmd and .md pages into links to their .html output, as Quarto does:
-- chapters/charging.qmd#sec-rate -> chapters/charging.html#sec-rate. External links are left alone.
function Link(el)
  if el.target:match("^%a[%w+.-]*:") then
    return nil
  end
  local path, rest = el.target:match("^([^#?]*)(.*)$")
  for _, ext in ipairs({"%.qmd$", "%.md$"}) do
    if path and path:match(ext) then
      el.target = path:gsub(ext, ".html") .. rest
      return el
    end
  end
  return nil
end
