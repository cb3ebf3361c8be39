-- Rewrite links to .qmd pages into links to their .html output, as Quarto does:
-- chapters/charging.qmd#sec-rate -> chapters/charging.html#sec-rate. External links are left alone.
function Link(el)
  if el.target:match("^%a[%w+.-]*:") then
    return nil
  end
  local path, rest = el.target:match("^([^#?]*)(.*)$")
  if path and path:match("%.qmd$") then
    el.target = path:gsub("%.qmd$", ".html") .. rest
    return el
  end
  return nil
end
