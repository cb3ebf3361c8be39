-- callouts.lua: render Quarto callout divs as titled, accessible HTML boxes.
--
-- ::: {.callout-note title="..."} ... :::  (or a first heading inside as the title) becomes
-- <div class="callout callout-note" role="note"><p class="callout-title">Note</p>...</div>.
-- Default titles are Quarto's: Note, Warning, Important, Tip, Caution.

local TITLES = {
  note = "Note",
  warning = "Warning",
  important = "Important",
  tip = "Tip",
  caution = "Caution",
}

-- Quarto's callout options that have no meaning in the rendered HTML.
local OPTIONS = pandoc.List({ "title", "collapse", "appearance", "icon" })

-- Return the callout type named by the div's classes, or nil.
local function callout_type(div)
  for _, class in ipairs(div.classes) do
    local kind = class:match("^callout%-(%a+)$")
    if kind and TITLES[kind] then
      return kind
    end
  end
  return nil
end

-- Split the callout into its title inlines and its remaining content.
local function title_and_body(div, kind)
  local title = div.attributes.title
  if title and title ~= "" then
    return pandoc.Inlines(title), div.content
  end
  local first = div.content[1]
  if first and first.t == "Header" then
    local body = pandoc.Blocks({})
    for i = 2, #div.content do
      body:insert(div.content[i])
    end
    return first.content, body
  end
  return pandoc.Inlines(TITLES[kind]), div.content
end

-- Build the <p class="callout-title"> block around the title inlines.
local function title_block(inlines)
  local open = pandoc.RawInline("html", '<p class="callout-title">')
  local close = pandoc.RawInline("html", "</p>")
  local content = pandoc.Inlines({ open })
  content:extend(inlines)
  content:insert(close)
  return pandoc.Plain(content)
end

-- Build the attributes of the rendered callout: its classes first, role="note", other attributes kept.
local function callout_attr(div, kind)
  local classes = pandoc.List({ "callout", "callout-" .. kind })
  for _, class in ipairs(div.classes) do
    if not classes:includes(class) then
      classes:insert(class)
    end
  end
  local attributes = {}
  for _, pair in ipairs(div.attributes) do -- ipairs keeps the source order: deterministic output
    local key = pair[1]
    if not OPTIONS:includes(key) and key ~= "role" then
      table.insert(attributes, { key, pair[2] })
    end
  end
  table.insert(attributes, { "role", "note" })
  return pandoc.Attr(div.identifier, classes, attributes)
end

function Div(div)
  local kind = callout_type(div)
  if not kind then
    return nil
  end
  local title, body = title_and_body(div, kind)
  local content = pandoc.Blocks({ title_block(title) })
  content:extend(body)
  return pandoc.Div(content, callout_attr(div, kind))
end
