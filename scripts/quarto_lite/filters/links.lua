-- Rewrite links to .qmd and .md pages into links to their .html output, as Quarto does:
-- chapters/charging.qmd#sec-rate -> chapters/charging.html#sec-rate. External links are left alone.
-- With the metadata `link-prefix` (the 404 page: any depth may show it), relative links are made
-- absolute under that prefix, as Quarto does for 404.html.
local prefix = nil

local function relative(target)
  return not target:match("^%a[%w+.-]*:") and not target:match("^[/#]")
end

function Meta(meta)
  if meta["link-prefix"] then
    prefix = pandoc.utils.stringify(meta["link-prefix"])
  end
end

function Link(el)
  if el.target:match("^%a[%w+.-]*:") then
    return nil
  end
  local path, rest = el.target:match("^([^#?]*)(.*)$")
  for _, ext in ipairs({"%.qmd$", "%.md$"}) do
    if path and path:match(ext) then
      el.target = path:gsub(ext, ".html") .. rest
      break
    end
  end
  if prefix and relative(el.target) then
    el.target = prefix .. el.target
  end
  return el
end

return {{Meta = Meta}, {Link = Link}}
