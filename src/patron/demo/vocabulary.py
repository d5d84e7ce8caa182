"""The words the demo business is made of: names, towns, products, staff, interaction texts.

Plain data, kept apart from the generator so that the generator reads as the process it
simulates. Everything here is fictional; UK-flavoured because phone numbers and postcodes
are validated as British.
"""

from __future__ import annotations

# fmt: off

GIVEN_NAMES_F = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia",
    "Grace", "Freya", "Evie", "Florence", "Poppy", "Ella", "Charlotte", "Willow", "Emily",
    "Sienna", "Alice", "Ruby", "Harper", "Matilda", "Daisy", "Phoebe", "Zoë", "Chloé",
    "Siân", "Niamh", "Aoife", "Priya", "Aisha", "Fatima", "Mei", "Hannah", "Sarah", "Rachel",
    "Helen", "Claire", "Joanne", "Karen", "Susan", "Margaret", "Patricia", "Jennifer",
    "Emma", "Lucy", "Katie", "Laura", "Rebecca", "Victoria", "Anita", "Renée", "Maria",
)
GIVEN_NAMES_M = (
    "Oliver", "George", "Noah", "Arthur", "Muhammad", "Leo", "Harry", "Oscar", "Archie",
    "Henry", "Theodore", "Freddie", "Jack", "Charlie", "Theo", "Alfie", "Jacob", "Thomas",
    "Finley", "Arlo", "William", "Lucas", "Roman", "Tommy", "Isaac", "Teddy", "Joshua",
    "James", "Daniel", "David", "Michael", "Paul", "Mark", "Andrew", "Richard", "Stephen",
    "Peter", "John", "Robert", "Christopher", "Matthew", "Gareth", "Rhys", "Dylan", "Ewan",
    "Callum", "Ravi", "Arjun", "Omar", "Kwame", "Chen", "Tomasz", "Mateusz", "Seán", "José",
)
FAMILY_NAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood",
    "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
    "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook",
    "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox",
    "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh",
    "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason",
    "Ali", "Hunt", "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills",
    "Barnes", "Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens",
    "Jenkins", "Murray", "Dixon", "Harvey", "Graham", "Pearson", "Ahmed", "Fletcher",
    "Walsh", "Kaur", "Gibson", "Howard", "Andrews", "Stewart", "Elliott", "Reynolds",
    "Saunders", "Payne", "Fox", "Ford", "Pearce", "Day", "Brooks", "West", "Lawrence",
    "Cole", "Atkinson", "Bradley", "Spencer", "Gill", "Dawson", "Ball", "Burton", "O'Brien",
    "Watts", "Rose", "Booth", "Perry", "Ryan", "Grant", "Wells", "Armstrong", "Francis",
    "Rees", "Hayes", "Hart", "Hudson", "Newman", "Barrett", "Webster", "Hunter", "Gregory",
    "Carr", "Lowe", "Page", "Marsh", "Riley", "Dunn", "Woods", "Parsons", "Berry", "Stone",
    "Reid", "Holland", "Hawkins", "Harding", "Porter", "Robertson", "Newton", "Oliver",
    "Reed", "Kennedy", "Williamson", "Bird", "Gardner", "Shah", "Dean", "Lane", "Cooke",
    "Bates", "Henderson", "Parry", "Burgess", "Bishop", "Walton", "Burns", "Nicholson",
    "Shepherd", "Ross", "Cross", "Long", "Freeman", "Warren", "Nicholls", "Hamilton",
    "Byrne", "Sutton", "McDonald", "Yates", "Hodgson", "Robson", "Curtis", "Hopkins",
    "O'Connor", "Harper", "Coleman", "Watkins", "Moss", "McCarthy", "Chambers", "O'Neill",
    "Griffin", "Sharp", "Hardy", "Wheeler", "Potter", "Osborne", "Johnston", "Gordon",
    "Doyle", "Wallace", "George", "Jordan", "Hutchinson", "Rowe", "Burke", "May", "Pritchard",
    "Gilbert", "Willis", "Higgins", "Read", "Miles", "Stevenson", "Stephenson", "Hammond",
    "Arnold", "Buckley", "Walters", "Hewitt", "Barber", "Nelson", "Slater", "Austin",
    "Sullivan", "Whitehead", "Mann", "Frost", "Lambert", "Stephens", "Blake", "Akhtar",
    "Lynch", "Goodwin", "Barton", "Woodward", "Thomson", "Cunningham", "Quinn", "Barnett",
    "Baxter", "Bibi", "Clayton", "Nash", "Greenwood", "Jennings", "Holt", "Kemp", "Poole",
    "Gallagher", "Bond", "Stokes", "Tucker", "Davidson", "Fowler", "Heath", "Norman",
    "Middleton", "Lawson", "Banks", "French", "Stanley", "Jarvis", "Gibbs", "Ferguson",
    "Hayward", "Carroll", "Douglas", "Dickinson", "Todd", "Barlow", "Peters", "Lucas",
    "Knowles", "Hartley", "Miah", "Simmons", "Morton", "Alexander", "Field", "Morrison",
    "Horton", "Nowak", "Kowalski", "Nguyen", "Wang", "Okafor", "Mensah", "Costa", "Rossi",
)

EMAIL_DOMAINS = (
    "gmail.com", "outlook.com", "hotmail.co.uk", "yahoo.co.uk", "btinternet.com",
    "icloud.com", "sky.com", "live.co.uk", "aol.com", "protonmail.com",
)
EMAIL_DOMAIN_WEIGHTS = (0.34, 0.16, 0.12, 0.09, 0.08, 0.08, 0.05, 0.04, 0.02, 0.02)

# (town, postcode area, share of customers, dialling code without the leading 0)
TOWNS = (
    ("London", "SE", 0.10, "20"), ("London", "N", 0.06, "20"), ("Birmingham", "B", 0.07, "121"),
    ("Manchester", "M", 0.07, "161"), ("Leeds", "LS", 0.06, "113"),
    ("Glasgow", "G", 0.05, "141"), ("Sheffield", "S", 0.04, "114"),
    ("Bristol", "BS", 0.05, "117"), ("Liverpool", "L", 0.04, "151"),
    ("Edinburgh", "EH", 0.04, "131"), ("Nottingham", "NG", 0.04, "115"),
    ("Leicester", "LE", 0.03, "116"), ("Cardiff", "CF", 0.03, "29"),
    ("Newcastle upon Tyne", "NE", 0.03, "191"), ("Southampton", "SO", 0.03, "23"),
    ("Belfast", "BT", 0.03, "28"), ("Cambridge", "CB", 0.03, "1223"),
    ("Oxford", "OX", 0.03, "1865"), ("Brighton", "BN", 0.03, "1273"),
    ("York", "YO", 0.02, "1904"), ("Bath", "BA", 0.02, "1225"),
    ("Norwich", "NR", 0.02, "1603"), ("Exeter", "EX", 0.02, "1392"),
    ("Coventry", "CV", 0.02, "24"), ("Aberdeen", "AB", 0.02, "1224"),
    ("Plymouth", "PL", 0.02, "1752"), ("Swansea", "SA", 0.02, "1792"),
    ("Derby", "DE", 0.02, "1332"), ("Reading", "RG", 0.02, "118"),
)
STREETS = (
    "High Street", "Station Road", "Church Lane", "Main Street", "Park Road", "Victoria Road",
    "Green Lane", "Manor Road", "Church Street", "Park Avenue", "The Avenue", "Queens Road",
    "New Road", "Grange Road", "Kings Road", "Mill Lane", "Albert Road", "Highfield Road",
    "London Road", "School Lane", "Chapel Street", "Springfield Road", "Windsor Road",
    "North Street", "York Road", "Orchard Close", "Meadow View", "Beech Grove",
    "Cedar Avenue", "Willow Way", "Riverside Walk", "Castle Street", "Market Place",
    "Elm Road", "Rectory Lane", "West End", "Broad Street", "Mount Pleasant", "Oak Drive",
)
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

ORG_FIRST = (
    "Northgate", "Riverside", "Greenfield", "Oakwood", "Summit", "Harbour", "Meadowbank",
    "Kingsway", "Brightwater", "Ashford", "Castlegate", "Fernhill", "Highbury", "Westbrook",
    "Elmstead", "Silverdale", "Stonebridge", "Redhill", "Foxglove", "Larkspur", "Thornbury",
    "Blackwood", "Marlowe", "Penrose", "Wexford", "Cobalt", "Juniper", "Sterling", "Beacon",
    "Orchard", "Hawthorn", "Copperfield", "Millbrook", "Lakeside", "Bluebell", "Granite",
)
ORG_TYPES = (
    "Hotel", "Café", "Dental Practice", "Architects", "Primary School", "Bakery",
    "Consulting", "Studios", "Property Management", "Veterinary Clinic", "Restaurant",
    "Accountants", "Garden Centre", "Florists", "Fitness", "Surveyors", "Lettings",
    "Coworking", "Guest House", "Nursery", "Deli", "Solicitors", "Design", "Physiotherapy",
    "Brewery", "Bistro", "Opticians", "Engineering", "Print Works", "Care Home",
)
ORG_SUFFIXES = ("Ltd", "Ltd", "Ltd", "LLP", "& Co", "", "Limited", "Group")

# (title, PartyRelationship.Role)
CONTACT_TITLES = (
    ("Owner", "owner"),
    ("Office manager", "contact"),
    ("Head of purchasing", "decision_maker"),
    ("Finance director", "billing_contact"),
    ("Operations manager", "decision_maker"),
    ("Accounts payable", "billing_contact"),
    ("General manager", "decision_maker"),
    ("Facilities coordinator", "contact"),
    ("Executive assistant", "employee"),
    ("Head chef", "employee"),
)

# Interest groups: customers who buy in one category of a group tend to buy the others.
GROUPS = ("Home cooking", "Garden", "Home office", "Outdoors", "Home comfort")

# (category, groups it belongs to, typical price in pounds, margin rate, ten products)
CATEGORIES: tuple[tuple[str, tuple[int, ...], float, float, tuple[str, ...]], ...] = (
    ("Cookware", (0,), 45.0, 0.45, (
        "Cast iron skillet 26 cm", "Non-stick frying pan 28 cm", "Stainless saucepan set",
        "Enamelled casserole 24 cm", "Carbon steel wok", "Stockpot 8 l", "Roasting tin",
        "Griddle pan", "Milk pan 16 cm", "Sauté pan with lid",
    )),
    ("Kitchen electricals", (0,), 89.0, 0.22, (
        "Stand mixer", "Hand blender", "Espresso machine", "Kettle 1.7 l", "4-slice toaster",
        "Food processor", "Air fryer 5.5 l", "Slow cooker 6 l", "Bean-to-cup grinder",
        "Digital kitchen scale",
    )),
    ("Tableware", (0, 4), 28.0, 0.55, (
        "Stoneware dinner set 12 pc", "Wine glasses, set of 4", "Linen napkins, set of 6",
        "Serving platter", "Pasta bowls, set of 4", "Cutlery set 24 pc", "Tumblers, set of 6",
        "Oak serving board", "Salad bowl", "Espresso cups, set of 4",
    )),
    ("Coffee & tea", (0,), 12.0, 0.60, (
        "House blend coffee beans 1 kg", "Single-origin Ethiopia 250 g", "Decaf espresso 500 g",
        "English breakfast tea, 80 bags", "Earl Grey loose leaf 250 g", "Green tea sencha",
        "Hot chocolate 500 g", "Coffee filter papers", "Chai spice blend", "Office coffee pods 100",
    )),
    ("Garden tools", (1,), 32.0, 0.40, (
        "Stainless border spade", "Bypass secateurs", "Hand trowel and fork set",
        "Telescopic loppers", "Garden hose 30 m", "Leaf rake", "Wheelbarrow 85 l",
        "Hedge shears", "Kneeling pad", "Watering can 10 l",
    )),
    ("Plants & seeds", (1,), 8.0, 0.65, (
        "Tomato seeds, heritage mix", "Wildflower meadow mix", "Herb garden starter",
        "Lavender plug plants", "Spring bulb collection", "Peat-free compost 50 l",
        "Sweet pea seeds", "Seed potatoes 2 kg", "Organic plant feed 1 l", "Strawberry plants",
    )),
    ("Outdoor living", (1,), 120.0, 0.35, (
        "Teak bench", "Bistro table and chairs", "Parasol 3 m", "Fire pit", "Charcoal barbecue",
        "Rattan lounger", "Outdoor cushions, set of 4", "Solar lanterns", "Raised bed kit",
        "Garden storage box",
    )),
    ("Stationery", (2,), 6.0, 0.62, (
        "A4 copier paper, 5 reams", "Gel pens, pack of 12", "Hardback notebook A5",
        "Sticky notes, 12 pads", "Lever arch files, 10", "Desk diary", "Highlighters, 6",
        "Envelopes C5, 500", "Whiteboard markers, 8", "Stapler and staples",
    )),
    ("Office furniture", (2,), 240.0, 0.33, (
        "Ergonomic office chair", "Sit-stand desk 140 cm", "Filing cabinet, 3 drawer",
        "Bookcase 180 cm", "Meeting table 6 seat", "Monitor arm", "Pedestal drawers",
        "Reception sofa", "Desk screen divider", "Coat stand",
    )),
    ("Computing accessories", (2,), 35.0, 0.28, (
        "Wireless keyboard", "Ergonomic mouse", "USB-C docking station", "27-inch monitor",
        "Noise-cancelling headset", "Webcam 1080p", "Laptop stand", "Surge-protected 6-way",
        "External SSD 1 TB", "HDMI cable 2 m",
    )),
    ("Outdoor clothing", (3,), 75.0, 0.50, (
        "Waterproof jacket", "Insulated gilet", "Walking trousers", "Merino base layer",
        "Fleece pullover", "Walking boots", "Wool hiking socks, 3 pairs", "Sun hat",
        "Softshell gloves", "Packable down jacket",
    )),
    ("Camping & hiking", (3,), 55.0, 0.42, (
        "Two-person tent", "Sleeping bag 3-season", "Trekking poles", "Daypack 25 l",
        "Camping stove", "Head torch", "Insulated flask 1 l", "Self-inflating mat",
        "Water filter bottle", "First aid kit",
    )),
    ("Bedding & bath", (4,), 40.0, 0.52, (
        "Cotton duvet cover, double", "Feather pillows, pair", "Egyptian cotton sheets",
        "Wool throw", "Bath towel set", "Bath robe", "Mattress protector", "Hotel duvet 10.5 tog",
        "Blackout curtains", "Linen bedspread",
    )),
    ("Lighting", (4,), 48.0, 0.46, (
        "Brass table lamp", "Floor lamp", "LED desk lamp", "Pendant shade", "Smart bulb 4-pack",
        "Reading light", "Candle lantern", "Wall light", "Festoon lights 10 m", "Lamp shade 40 cm",
    )),
    ("Gifts & hampers", (0, 4), 35.0, 0.48, (
        "Christmas hamper", "Luxury chocolate box", "Scented candle gift set", "Gift card £25",
        "Tea lover's gift box", "Wine and cheese hamper", "Letterpress greetings cards",
        "Advent calendar", "Gardener's gift set", "Coffee tasting set",
    )),
)

RETURN_REASONS = (
    "Damaged in transit", "Not as described", "Changed mind", "Wrong size",
    "Arrived too late", "Faulty", "Ordered by mistake", "Better price elsewhere",
)

# (department, username, given name, family name, role, is field sales)
STAFF = (
    ("sales", "olivia.hart", "Olivia", "Hart", "manager", False),
    ("sales", "james.okafor", "James", "Okafor", "agent", True),
    ("sales", "priya.shah", "Priya", "Shah", "agent", True),
    ("sales", "tom.bennett", "Tom", "Bennett", "agent", False),
    ("sales", "ellie.walsh", "Ellie", "Walsh", "agent", False),
    ("sales", "sam.reader", "Sam", "Reader", "read_only", False),
    ("marketing", "nina.costa", "Nina", "Costa", "manager", False),
    ("marketing", "dylan.rees", "Dylan", "Rees", "agent", False),
    ("marketing", "maya.chen", "Maya", "Chen", "agent", False),
    ("marketing", "leo.grant", "Leo", "Grant", "read_only", False),
    ("service", "grace.murphy", "Grace", "Murphy", "manager", False),
    ("service", "arjun.patel", "Arjun", "Patel", "agent", False),
    ("service", "hannah.lee", "Hannah", "Lee", "agent", False),
    ("service", "callum.ross", "Callum", "Ross", "agent", False),
    ("service", "fatima.khan", "Fatima", "Khan", "agent", False),
    ("service", "ruby.doyle", "Ruby", "Doyle", "read_only", False),
    ("finance", "david.morgan", "David", "Morgan", "manager", False),
    ("finance", "sarah.nowak", "Sarah", "Nowak", "agent", False),
    ("finance", "mark.ellis", "Mark", "Ellis", "agent", False),
    ("finance", "alice.ward", "Alice", "Ward", "read_only", False),
)
DEPARTMENTS = (
    ("sales", "Sales"),
    ("marketing", "Marketing"),
    ("service", "Customer service"),
    ("finance", "Finance"),
)

# Direct interaction templates:
# (department, kind, direction, channel, B2B only, B2C only, subject, notes, outcomes).
# {category}, {product} and {contact} are filled in per interaction.
DIRECT_TEMPLATES = (
    ("sales", "call", "outbound", "phone", False, False, "Follow-up after first order",
     "Called to check the {product} arrived well and to introduce the {category} range.",
     ("sale", "information", "no_answer", "left_message")),
    ("sales", "call", "inbound", "phone", False, False, "Price enquiry: {category}",
     "Asked about current prices and stock of {product}. Sent the price list.",
     ("information", "sale", "follow_up")),
    ("sales", "meeting", "outbound", "in_person", True, False, "Quarterly account review",
     "Reviewed spend and upcoming needs with {contact}. Interested in {category}.",
     ("follow_up", "sale", "information")),
    ("sales", "field_visit", "outbound", "in_person", True, False, "Site visit: {category}",
     "Visited the site with samples; {contact} wants a quote for {product}.",
     ("follow_up", "sale")),
    ("sales", "email", "outbound", "email", True, False, "Quote for {product}",
     "Sent a volume quote to {contact}, valid 30 days.",
     ("follow_up", "sale")),
    ("sales", "in_store", "inbound", "in_person", False, True, "Advice on {category}",
     "Showed the {category} range in store; customer compared {product} with alternatives.",
     ("sale", "information")),
    ("marketing", "email", "inbound", "email", False, False, "Newsletter reply",
     "Replied to the newsletter asking for more about {category}.",
     ("information", "resolved")),
    ("marketing", "letter", "outbound", "post", False, False, "Catalogue mailed",
     "Seasonal catalogue with a {category} insert posted.",
     ("",)),
    ("marketing", "call", "outbound", "phone", False, False, "Customer panel invitation",
     "Invited to join the customer panel on the {category} range.",
     ("information", "no_answer", "resolved")),
    ("service", "call", "inbound", "phone", False, False, "Delivery enquiry",
     "Asked where the order was; tracked the parcel and gave the delivery slot.",
     ("resolved", "information")),
    ("service", "chat", "inbound", "chat", False, False, "Order status question",
     "Web chat about order status and delivery options.",
     ("resolved", "information")),
    ("service", "email", "inbound", "email", False, False, "Problem with {product}",
     "Reported a fault with {product}; troubleshooting steps sent.",
     ("follow_up", "resolved", "complaint")),
    ("service", "call", "inbound", "phone", False, False, "Complaint: late delivery",
     "Delivery arrived four days late; apologised and offered free delivery next time.",
     ("complaint", "resolved")),
    ("finance", "email", "inbound", "email", True, False, "Remittance advice",
     "Remittance advice received from {contact} for the latest invoices.",
     ("resolved",)),
    ("finance", "call", "inbound", "phone", False, False, "Invoice copy requested",
     "Sent a copy of the VAT invoice by email.",
     ("resolved",)),
)
# Notes a department keeps to itself: (department, kind, direction, channel, subject, notes).
PRIVATE_TEMPLATES = (
    ("finance", "email", "outbound", "email", "Credit review",
     "Payment history reviewed; keep on standard terms, revisit if another invoice is late."),
    ("finance", "call", "outbound", "phone", "Collections note",
     "Agreed a payment date on the phone; do not chase again before then."),
    ("service", "call", "inbound", "phone", "Escalation note",
     "Customer was upset about the handling of the last complaint; goodwill gesture approved."),
    ("sales", "meeting", "outbound", "in_person", "Account strategy",
     "Competitor is quoting lower on {category}; hold the price, offer the service plan."),
)
# fmt: on
